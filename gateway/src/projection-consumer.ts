// Feeds the projection from Kafka. The group commits what was applied, and the projection keeps
// its read model on disk, so a restart reads only what it has not seen (a message applied but not
// yet committed comes again and changes nothing).
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '@webstore/observability/logger';
import { REPLAY_HEADER } from '@webstore/producer-client';
import {
  decodeEvent,
  headerString,
  SAGA_PARTITIONS,
  TOPICS,
  type DecodedEvent,
} from '@webstore/schemas';
import type { OrderProjection } from './projection.js';

export const PROJECTION_TOPICS = [TOPICS.orders, TOPICS.inventory, TOPICS.payments];

/** Connects the projection to Kafka; resolves once its consumer is running. */
export async function startProjection(
  kafka: Kafka,
  projection: OrderProjection,
  log: Logger,
  groupId = 'gateway-projection',
): Promise<Consumer> {
  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  const topics = PROJECTION_TOPICS.filter((t) => existing.has(t));
  const targets = [];
  for (const topic of topics) {
    const [high, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    for (const { partition, high: end } of high) {
      const at = Number(
        committed[0]?.partitions.find((p) => p.partition === partition)?.offset ?? -1,
      );
      if (at < Number(end)) targets.push({ topic, partition, high: Number(end) });
    }
  }
  await admin.disconnect();
  projection.setCatchUpTargets(targets);
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 500,
  });
  await consumer.connect();
  for (const topic of PROJECTION_TOPICS) await consumer.subscribe({ topic, fromBeginning: true });
  // The partitions are read concurrently, so a fetch hands over many messages in the same turn of
  // the event loop: they are applied together, in one transaction (a commit per message was the
  // gateway's biggest cost), and each message is done — its offset may be committed — only then.
  await consumer.run({
    partitionsConsumedConcurrently: SAGA_PARTITIONS * 3,
    eachMessage: async ({ topic, partition, message }) => {
      let event: DecodedEvent;
      try {
        event = decodeEvent(message);
      } catch (err) {
        log.warn(
          { topic, partition, offset: message.offset, err },
          'projection skipped an undecodable message',
        );
        return;
      }
      await projection.applyInTurn(event, {
        topic,
        partition,
        offset: message.offset,
        traceparent: headerString(message.headers, 'traceparent'),
        replayId: headerString(message.headers, REPLAY_HEADER),
      });
    },
  });
  return consumer;
}
