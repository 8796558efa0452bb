import { describe, expect, it } from 'vitest';
import {
  createDelivery,
  openStore,
  type HandlerContext,
  type StateStore,
} from '@webstore/consumer-runtime';
import { createLogger } from '@webstore/observability/logger';
import { createMetrics } from '@webstore/observability/metrics';
import { KafkaUnavailableError, type Publisher } from '@webstore/producer-client';
import type { EventName } from '@webstore/schemas';
import { waitFor } from '@webstore/testkit';
import { createPayment } from './handlers.js';

const at = new Date().toISOString();
const reservation = {
  orderId: 'ord-1',
  reservationId: 'res-ord-1',
  items: [{ productId: 'sku-lamp', quantity: 1 }],
  customerId: 'cust-ana',
  country: 'US' as const,
  totalCents: 5900,
  synthetic: false,
  paymentSeed: 1,
  reservedAt: at,
};
const timedOut = {
  orderId: 'ord-1',
  customerId: 'cust-ana',
  country: 'US' as const,
  totalCents: 5900,
  placedAt: at,
  deadlineMs: 30_000,
  timedOutAt: at,
};
const log = createLogger('payment-test', { level: 'fatal' });

interface Sent {
  name: EventName;
  reason?: string;
  causationId?: string;
  via: 'handler' | 'answer';
}

/** What the handler's context and the service's publisher were asked to send, in order. */
function recorder(options: { failFirst?: number } = {}) {
  const sent: Sent[] = [];
  let failures = options.failFirst ?? 0;
  const publisher = {
    publish: async (name: EventName, data: unknown, opts: { causationId?: string }) => {
      if (failures > 0) {
        failures -= 1;
        throw new KafkaUnavailableError('webstore.payments.v1', 'the broker is down');
      }
      sent.push({
        name,
        reason: (data as { reason?: string }).reason,
        causationId: opts.causationId,
        via: 'answer',
      });
      return {} as never;
    },
  } as unknown as Publisher;
  const context = (data: unknown, eventId = 'evt-1') =>
    ({
      event: { id: eventId, data },
      log,
      causation: { causationId: eventId },
      publish: async (name: EventName, payload: unknown) => {
        sent.push({ name, reason: (payload as { reason?: string }).reason, via: 'handler' });
        return {} as never;
      },
    }) as unknown as HandlerContext<never>;
  return { sent, publisher, context };
}

function payment(store: StateStore, publisher: Publisher, latencyMs: number) {
  const metrics = createMetrics();
  const delivery = createDelivery({
    groupId: 'payment',
    log,
    metrics,
    heartbeatIntervalMs: 1_000,
    maxBackoffMs: 400,
  });
  return createPayment(store, metrics, {
    seed: 1,
    latencyMs,
    publisher: () => publisher,
    untilKafkaTakesIt: delivery.untilKafkaTakesItLater,
    log,
  });
}

describe('payment decisions per order', () => {
  it('answers after the processor latency without holding the handler, with the cause as causation', async () => {
    const store = openStore();
    const { sent, publisher, context } = recorder();
    const p = payment(store, publisher, 10_000);
    await p.handlers.StockReserved!(context(reservation, 'evt-reserved'));
    // The handler has returned: the request is recorded, its answer (due in 5–15 s) not yet sent.
    expect([sent, p.inFlight()]).toEqual([[], 1]);
    store.transaction(() => {
      const requests = store.table<{ dueAt: number }>('authorizations');
      requests.put('ord-1', { ...requests.get('ord-1')!, dueAt: Date.now() });
    });
    p.resume();
    await waitFor(() => sent.length === 1, { timeoutMs: 5_000, message: 'the answer published' });
    expect(sent[0]).toMatchObject({ name: 'PaymentAuthorized', causationId: 'evt-reserved' });
    expect(p.inFlight()).toBe(0);
    await p.stop();
  });

  it('decides once: a timeout that arrives while the charge is in flight wins, and the charge yields to it', async () => {
    const store = openStore();
    const { sent, publisher, context } = recorder();
    const p = payment(store, publisher, 40);
    await p.handlers.StockReserved!(context(reservation));
    await p.handlers.OrderTimedOut!(context(timedOut, 'evt-timeout'));
    await waitFor(() => sent.length === 2, { timeoutMs: 5_000, message: 'two publishes' });
    expect(sent.map((s) => [s.name, s.reason, s.via])).toEqual([
      ['PaymentDeclined', 'timeout', 'handler'],
      ['PaymentDeclined', 'timeout', 'answer'],
    ]);
    await p.stop();
  });

  it('ignores a timeout for an order already decided, and re-publishes the recorded outcome on a duplicate', async () => {
    const store = openStore();
    const { sent, publisher, context } = recorder();
    const p = payment(store, publisher, 0);
    await p.handlers.StockReserved!(context(reservation));
    await waitFor(() => sent.length === 1, { timeoutMs: 5_000, message: 'the answer published' });
    await p.handlers.OrderTimedOut!(context(timedOut));
    await p.handlers.StockReserved!(context(reservation));
    expect(sent.map((s) => [s.name, s.via])).toEqual([
      [sent[0]!.name, 'answer'],
      [sent[0]!.name, 'handler'],
    ]);
    expect(store.table('payments').count()).toBe(1);
    await p.stop();
  });

  it('resumes a request recorded before a stop, and retries an answer Kafka did not take', async () => {
    const store = openStore();
    const first = recorder();
    const before = payment(store, first.publisher, 60_000);
    await before.handlers.StockReserved!(first.context(reservation));
    await before.stop();
    expect([first.sent, before.inFlight()]).toEqual([[], 1]);

    // The next start finds the request (made due now here) and answers it once Kafka takes it.
    const second = recorder({ failFirst: 1 });
    const after = payment(store, second.publisher, 0);
    store.transaction(() => {
      const requests = store.table<{ dueAt: number }>('authorizations');
      requests.put('ord-1', { ...requests.get('ord-1')!, dueAt: Date.now() });
    });
    after.resume();
    await waitFor(() => second.sent.length === 1, {
      timeoutMs: 10_000,
      message: 'the resumed answer published after one failed attempt',
    });
    expect(second.sent[0]!.via).toBe('answer');
    expect(after.inFlight()).toBe(0);
    await after.stop();
  });

  it('stops waiting for Kafka when it stops, and keeps the request for the next start', async () => {
    const store = openStore();
    const { sent, publisher, context } = recorder({ failFirst: Number.POSITIVE_INFINITY });
    const p = payment(store, publisher, 0);
    await p.handlers.StockReserved!(context(reservation));
    await waitFor(() => store.table('payments').count() === 1, {
      timeoutMs: 5_000,
      message: 'the answer decided and waiting for Kafka',
    });
    await p.stop();
    expect([sent, p.inFlight()]).toEqual([[], 1]);
  });
});
