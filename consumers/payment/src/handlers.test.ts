import { describe, expect, it } from 'vitest';
import { openStore, type HandlerContext } from '@webstore/consumer-runtime';
import { createLogger } from '@webstore/observability/logger';
import { createMetrics } from '@webstore/observability/metrics';
import type { EventName } from '@webstore/schemas';
import { paymentHandlers } from './handlers.js';

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

function context(data: unknown, published: { name: EventName; data: unknown }[]) {
  return {
    event: { data },
    log: createLogger('payment-test', { level: 'fatal' }),
    publish: async (name: EventName, payload: unknown) => {
      published.push({ name, data: payload });
      return {} as never;
    },
  } as unknown as HandlerContext<never>;
}

describe('payment decisions per order', () => {
  it('decides once: a timeout that arrives while the charge is in flight wins, and the charge yields to it', async () => {
    const store = openStore();
    const handlers = paymentHandlers(store, createMetrics(), { seed: 1, latencyMs: 40 });
    const published: { name: EventName; data: unknown }[] = [];
    const charging = handlers.StockReserved!(context(reservation, published));
    await handlers.OrderTimedOut!(context(timedOut, published));
    await charging;
    expect(published.map((p) => [p.name, (p.data as { reason?: string }).reason])).toEqual([
      ['PaymentDeclined', 'timeout'],
      ['PaymentDeclined', 'timeout'],
    ]);
  });

  it('ignores a timeout for an order already decided, and re-publishes the recorded outcome on a duplicate', async () => {
    const store = openStore();
    const handlers = paymentHandlers(store, createMetrics(), { seed: 1, latencyMs: 0 });
    const published: { name: EventName; data: unknown }[] = [];
    await handlers.StockReserved!(context(reservation, published));
    await handlers.OrderTimedOut!(context(timedOut, published));
    await handlers.StockReserved!(context(reservation, published));
    expect(published.map((p) => p.name)).toEqual([published[0]!.name, published[0]!.name]);
    expect(store.table('payments').count()).toBe(1);
  });
});
