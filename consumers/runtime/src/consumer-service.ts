// The consumer loop every service runs. Per message: decode and validate; skip an event id already
// processed; run the handler, retrying errors flagged `retriable` with backoff; dead-letter anything
// else (with headers naming the error and origin) and move on. kafkajs resolves an offset only after
// eachMessage returns (in batch mode, the runtime resolves each offset after its message), and the
// handler never throws, so commits cover processed messages only.
import { trace } from '@opentelemetry/api';
import type { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import {
  createPublisher,
  REPLAY_HEADER,
  type Published,
  type Publisher,
} from '@webstore/producer-client';
import {
  decodeEvent,
  dlqTopic,
  EventDecodeError,
  headerString,
  type DecodedEvent,
  type EventInput,
  type EventName,
} from '@webstore/schemas';
import type { Logger } from '@webstore/observability/logger';
import type { WebstoreMetrics } from '@webstore/observability/metrics';
import { backoffMs, isRetriable } from './errors.js';
import { openJournal, type Journal } from './journal.js';

export interface HandlerContext<N extends EventName = EventName> {
  event: DecodedEvent<N>;
  topic: string;
  partition: number;
  offset: string;
  message: KafkaMessage;
  log: Logger;
  /** Publishes an event caused by this one (derived id, causation header; synthetic and replay markers carried). */
  publish<M extends EventName>(name: M, data: EventInput<M>, key: string): Promise<Published>;
}

export type Handler<N extends EventName = EventName> = (
  ctx: HandlerContext<N>,
) => Promise<void> | void;
export type Handlers = { [N in EventName]?: Handler<N> };

export interface ConsumerServiceOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handlers: Handlers;
  log: Logger;
  metrics: WebstoreMetrics;
  /** Where processed event ids are kept so dedupe survives a restart; omit for memory only. */
  dataDir?: string;
  source: string;
  retry?: { maxAttempts?: number; baseMs?: number };
  /** Added before each message: the "slow consumer" fault switch. */
  delayMs?: () => number;
  /** Partitions handled at once; order within a partition is always kept. */
  concurrency?: number;
  /**
   * 'message' (default): kafkajs eachMessage, so each consumer span is a child of its producer's
   * span and one trace covers the whole flow. 'batch': eachBatch, the same per-message handling
   * (dedupe, retries, dead letters, journal) with one commit per batch instead of per message;
   * the instrumentation then starts a new trace per batch whose spans link to the producers.
   */
  mode?: 'message' | 'batch';
  sessionTimeoutMs?: number;
}

export interface ConsumerService {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True once the consumer has joined its group and received an assignment. */
  ready(): boolean;
  readonly publisher: Publisher;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates a consumer service; call `start()` to join the group. */
export function createConsumerService(options: ConsumerServiceOptions): ConsumerService {
  const { kafka, groupId, topics, handlers, log, metrics } = options;
  const maxAttempts = options.retry?.maxAttempts ?? 5;
  const baseMs = options.retry?.baseMs ?? 100;
  const consumer: Consumer = kafka.consumer({
    groupId,
    sessionTimeout: options.sessionTimeoutMs ?? 10_000,
    rebalanceTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 1_000,
  });
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: true });
  const publisher = createPublisher({ producer, source: options.source });
  const processed = new Set<string>();
  let journal: Journal<{ id: string }> | undefined;
  let joined = false;
  let lagTimer: NodeJS.Timeout | undefined;
  const admin = kafka.admin();

  async function deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    eventType: string,
    err: Error,
  ) {
    const code = err instanceof EventDecodeError ? err.code : err.name || 'Error';
    const headers: IHeaders = {
      ...message.headers,
      dlq_error: code,
      dlq_error_message: err.message.slice(0, 1000),
      dlq_original_topic: topic,
      dlq_original_partition: String(partition),
      dlq_original_offset: message.offset,
      dlq_group: groupId,
    };
    await publisher.publishRaw(dlqTopic(topic), {
      key: message.key,
      value: message.value,
      headers: headers as Record<string, Buffer | string>,
    });
    metrics.dlqMessages.add(1, { topic, group: groupId, error: code });
    metrics.consumerMessages.add(1, {
      topic,
      group: groupId,
      event_type: eventType,
      outcome: 'dead_lettered',
    });
    log.warn(
      { topic, partition, offset: message.offset, error: code, err },
      'message dead-lettered',
    );
  }

  async function handleMessage(
    topic: string,
    partition: number,
    message: KafkaMessage,
  ): Promise<void> {
    const span = trace.getActiveSpan();
    span?.setAttribute('messaging.consumer.group.name', groupId);
    // A replayed message keeps its trace in Tempo (tail sampling keeps every replay).
    const replayId = headerString(message.headers, REPLAY_HEADER);
    if (replayId) span?.setAttribute('webstore.replay', true);
    metrics.consumerQueueTime.record(Math.max(0, (Date.now() - Number(message.timestamp)) / 1000), {
      topic,
      group: groupId,
    });
    const started = performance.now();
    const delay = options.delayMs?.() ?? 0;
    if (delay > 0) await sleep(delay);

    let event: DecodedEvent;
    try {
      event = decodeEvent(message);
    } catch (err) {
      await deadLetter(
        topic,
        partition,
        message,
        headerString(message.headers, 'ce_type') ?? 'unknown',
        err as Error,
      );
      return;
    }
    const labels = { topic, group: groupId, event_type: event.name };
    if (processed.has(event.id)) {
      metrics.consumerMessages.add(1, { ...labels, outcome: 'duplicate' });
      log.info({ eventId: event.id, eventType: event.name }, 'duplicate event skipped');
      return;
    }
    const handler = handlers[event.name] as Handler | undefined;
    if (handler) {
      const synthetic = (event.data as { synthetic?: boolean }).synthetic === true;
      // What a replayed event causes is part of the replay too.
      const carried = {
        ...(synthetic ? { webstore_synthetic: 'true' } : {}),
        ...(replayId ? { [REPLAY_HEADER]: replayId } : {}),
      };
      const ctx: HandlerContext = {
        event,
        topic,
        partition,
        offset: message.offset,
        message,
        log,
        publish: (name, data, key) =>
          publisher.publish(name, data, {
            key,
            causationId: event.id,
            headers: Object.keys(carried).length > 0 ? carried : undefined,
          }),
      };
      for (let attempt = 1; ; attempt++) {
        try {
          await handler(ctx);
          break;
        } catch (err) {
          if (isRetriable(err) && attempt < maxAttempts) {
            metrics.consumerMessages.add(1, { ...labels, outcome: 'retried' });
            log.warn({ eventId: event.id, attempt, err }, 'handler failed; retrying');
            await sleep(backoffMs(attempt, baseMs));
            continue;
          }
          span?.recordException(err as Error);
          await deadLetter(topic, partition, message, event.name, err as Error);
          return;
        }
      }
    }
    processed.add(event.id);
    journal?.append({ id: event.id });
    metrics.consumerMessages.add(1, { ...labels, outcome: 'processed' });
    metrics.consumerProcessDuration.record((performance.now() - started) / 1000, labels);
  }

  async function recordLag(): Promise<void> {
    for (const topic of topics) {
      const [high, committed] = await Promise.all([
        admin.fetchTopicOffsets(topic),
        admin.fetchOffsets({ groupId, topics: [topic] }),
      ]);
      for (const { partition, offset } of committed[0]?.partitions ?? []) {
        const hwm = Number(high.find((h) => h.partition === partition)?.high ?? 0);
        const position =
          Number(offset) < 0
            ? Number(high.find((h) => h.partition === partition)?.low ?? 0)
            : Number(offset);
        metrics.consumerLag.record(Math.max(0, hwm - position), {
          topic,
          group: groupId,
          partition: String(partition),
        });
      }
    }
  }

  return {
    publisher,
    ready: () => joined,
    async start() {
      journal = openJournal<{ id: string }>(
        options.dataDir ? `${options.dataDir}/processed-events.jsonl` : undefined,
        (r) => processed.add(r.id),
      );
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        joined = true;
        log.info(
          { group: groupId, assignment: e.payload.memberAssignment },
          'joined consumer group',
        );
      });
      await Promise.all([producer.connect(), consumer.connect(), admin.connect()]);
      for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
      if (options.mode === 'batch') {
        await consumer.run({
          partitionsConsumedConcurrently: options.concurrency ?? 3,
          // Offsets are resolved one message at a time, so a rebalance or a crash mid-batch
          // redelivers only what was not processed (and dedupe drops what was).
          eachBatchAutoResolve: false,
          // The instrumentation runs this inside a `poll <topic>` span (a new trace); each message
          // has a `process <topic>` span linked to its producer's span.
          eachBatch: async ({
            batch,
            resolveOffset,
            heartbeat,
            isRunning,
            isStale,
            commitOffsetsIfNecessary,
          }) => {
            trace.getActiveSpan()?.setAttribute('messaging.consumer.group.name', groupId);
            for (const message of batch.messages) {
              if (!isRunning() || isStale()) break;
              await handleMessage(batch.topic, batch.partition, message);
              resolveOffset(message.offset);
              await heartbeat();
            }
            await commitOffsetsIfNecessary();
          },
        });
      } else {
        await consumer.run({
          partitionsConsumedConcurrently: options.concurrency ?? 3,
          // The kafkajs instrumentation runs this inside the `process <topic>` span, a child of the producer's span.
          eachMessage: ({ topic, partition, message }) => handleMessage(topic, partition, message),
        });
      }
      lagTimer = setInterval(() => {
        recordLag().catch((err) => log.debug({ err }, 'lag check failed'));
      }, 5_000);
      lagTimer.unref();
    },
    async stop() {
      clearInterval(lagTimer);
      await consumer.disconnect(); // waits for in-flight messages, commits, leaves the group
      await Promise.all([producer.disconnect(), admin.disconnect()]);
      journal?.close();
    },
  };
}
