// Helpers of the pipeline tests: reading a topic back, Prometheus values, a declining seed.
import type kafkajs from 'kafkajs';
import { expect } from 'vitest';
import { decidePayment } from '@webstore/payment';
import { TOPICS } from '@webstore/schemas';
import { waitFor, type FlatSpan, type OtlpReceiver } from '@webstore/testkit';

/** Every message of a topic, read from the beginning with a throwaway group. */
export async function readTopicWith(
  kafka: InstanceType<typeof kafkajs.Kafka>,
  topic: string,
): Promise<kafkajs.KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const total = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  await admin.disconnect();
  const consumer = kafka.consumer({
    groupId: `reader-${topic}-${Date.now()}`,
    maxWaitTimeInMs: 200,
  });
  const messages: kafkajs.KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
  await waitFor(() => messages.length >= total, {
    timeoutMs: 20_000,
    message: `read ${total} messages of ${topic}`,
  });
  await consumer.disconnect();
  return messages;
}

export function seedThatDeclines(country: string): { seed: number; reason: string } {
  for (let seed = 0; ; seed++) {
    const decision = decidePayment({ orderId: 'any', country, paymentSeed: seed }, 0);
    if (decision.outcome === 'declined') return { seed, reason: decision.reason };
  }
}

export async function metricValue(
  url: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      total += Number(line.split(' ').pop());
  }
  return total;
}

/**
 * Analytics consumes in batches: its `process` spans live in a trace of their own, under a `poll`
 * span, and each links to the producer span (in `spans`, the order's trace) of its message.
 */
export async function expectAnalyticsLinks(
  receiver: OtlpReceiver,
  spans: FlatSpan[],
  traceId: string,
): Promise<void> {
  for (const topic of [TOPICS.orders, TOPICS.inventory, TOPICS.payments]) {
    const producer = spans.find((s) => s.kind === 'PRODUCER' && s.name === `send ${topic}`)!;
    const linked = await waitFor(
      () =>
        receiver
          .spans()
          .find(
            (s) =>
              s.serviceName === 'analytics' &&
              s.name === `process ${topic}` &&
              s.links.some((l) => l.traceId === traceId && l.spanId === producer.spanId),
          ),
      {
        timeoutMs: 30_000,
        message: `analytics' process ${topic} span linking to ${producer.spanId}`,
      },
    );
    expect(linked.kind).toBe('CONSUMER');
    expect(linked.traceId).not.toBe(traceId);
    const poll = await waitFor(
      () => receiver.spans().find((s) => s.spanId === linked.parentSpanId),
      { timeoutMs: 10_000, message: `the poll span above analytics' process ${topic}` },
    );
    expect(poll).toMatchObject({
      name: `poll ${topic}`,
      kind: 'CLIENT',
      traceId: linked.traceId,
    });
    expect(poll!.attributes['messaging.consumer.group.name']).toBe('analytics');
  }
}
