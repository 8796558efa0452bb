// Helpers of the pipeline tests: a declining seed, and analytics' links into an order's trace.
import { expect } from 'vitest';
import { decidePayment } from '@webstore/payment';
import { TOPICS } from '@webstore/schemas';
import { waitFor, type FlatSpan, type OtlpReceiver } from '@webstore/testkit';

export function seedThatDeclines(country: string): { seed: number; reason: string } {
  for (let seed = 0; ; seed++) {
    const decision = decidePayment({ orderId: 'any', country, paymentSeed: seed }, 0);
    if (decision.outcome === 'declined') return { seed, reason: decision.reason };
  }
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
