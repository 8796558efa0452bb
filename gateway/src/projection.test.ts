import { describe, expect, it } from 'vitest';
import { encodeEvent, decodeEvent, type EventInput, type EventName } from '@webstore/schemas';
import { openStore } from '@webstore/consumer-runtime/store';
import { OrderProjection } from './projection.js';

let offset = 0;
function deliver<N extends EventName>(
  projection: OrderProjection,
  name: N,
  data: EventInput<N>,
  topic: string,
  time: string,
  source: string,
  replayId?: string,
) {
  const encoded = encodeEvent(name, data, {
    source: `/webstore/${source}`,
    key: 'ord-1',
    time: new Date(time),
  });
  const message = {
    key: Buffer.from('ord-1'),
    value: encoded.value,
    headers: {
      ...encoded.headers,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    },
    offset: String(offset),
    timestamp: '0',
    attributes: 0,
  } as never;
  projection.apply(decodeEvent(message), {
    topic,
    partition: 0,
    offset: String(offset++),
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    replayId,
  });
}

const t = (ms: number) => new Date(Date.UTC(2026, 10, 25, 10, 0, 0, ms)).toISOString();
const placed = {
  orderId: 'ord-1',
  customerId: 'cust-ana',
  country: 'BR' as const,
  currency: 'USD' as const,
  items: [{ productId: 'sku-lamp', quantity: 2, unitPriceCents: 5900 }],
  totalCents: 11800,
  placedAt: t(0),
};
const reserved = {
  orderId: 'ord-1',
  reservationId: 'res-ord-1',
  items: [{ productId: 'sku-lamp', quantity: 2 }],
  customerId: 'cust-ana',
  country: 'BR' as const,
  totalCents: 11800,
  reservedAt: t(10),
};
const declined = {
  orderId: 'ord-1',
  customerId: 'cust-ana',
  country: 'BR' as const,
  amountCents: 11800,
  currency: 'USD' as const,
  reason: 'card_declined' as const,
  declinedAt: t(20),
};
const released = {
  orderId: 'ord-1',
  reservationId: 'res-ord-1',
  items: [{ productId: 'sku-lamp', quantity: 2 }],
  reason: 'payment_declined' as const,
  releasedAt: t(30),
};

describe('order projection', () => {
  it('shows an order a replay created as a replay, and replayed events in the journey as such', () => {
    const projection = new OrderProjection(openStore());
    deliver(projection, 'OrderPlaced', placed, 'webstore.orders.v1', t(0), 'gateway', 'rpl-1');
    deliver(projection, 'StockReserved', reserved, 'webstore.inventory.v1', t(10), 'inventory');
    const order = projection.order('ord-1')!;
    expect(order.replay).toBe(true);
    expect(order.events.map((e) => [e.type, e.replay ?? false, e.replayId])).toEqual([
      ['OrderPlaced', true, 'rpl-1'],
      ['StockReserved', false, undefined],
    ]);
    const live = new OrderProjection(openStore());
    deliver(live, 'OrderPlaced', placed, 'webstore.orders.v1', t(0), 'gateway');
    expect(live.order('ord-1')!.replay).toBeUndefined();
  });

  it('follows an order to failed with its reason, stock as inventory reports it', () => {
    const projection = new OrderProjection(openStore());
    const lamp = (available: number, reservedUnits: number, version: number) => [
      { productId: 'sku-lamp', available, reserved: reservedUnits, sold: 0, restocked: 0, version },
    ];
    deliver(projection, 'OrderPlaced', placed, 'webstore.orders.v1', t(0), 'gateway');
    deliver(
      projection,
      'StockReserved',
      { ...reserved, levels: lamp(128, 2, 1) },
      'webstore.inventory.v1',
      t(10),
      'inventory',
    );
    expect(projection.stockOf('sku-lamp')).toBe(128);
    deliver(projection, 'PaymentDeclined', declined, 'webstore.payments.v1', t(20), 'payment');
    // Failed at the decline, but the saga goes on until the reservation is released.
    expect(projection.order('ord-1')).toMatchObject({ status: 'failed', sagaComplete: false });
    deliver(
      projection,
      'StockReleased',
      { ...released, levels: lamp(130, 0, 2) },
      'webstore.inventory.v1',
      t(30),
      'inventory',
    );
    const order = projection.order('ord-1')!;
    expect(order).toMatchObject({
      status: 'failed',
      reason: 'card_declined',
      sagaComplete: true,
      traceId: '0af7651916cd43dd8448eb211c80319c',
    });
    expect(order.events.map((e) => [e.type, e.service, e.sincePlacedMs, e.seq])).toEqual([
      ['OrderPlaced', 'gateway', 0, 1],
      ['StockReserved', 'inventory', 10, 2],
      ['PaymentDeclined', 'payment', 20, 3],
      ['StockReleased', 'inventory', 30, 4],
    ]);
    expect(projection.stockOf('sku-lamp')).toBe(130);
  });

  it('keeps events that arrive before their order, and orders the journey by event time', () => {
    const projection = new OrderProjection(openStore());
    deliver(projection, 'StockReleased', released, 'webstore.inventory.v1', t(30), 'inventory');
    deliver(projection, 'PaymentDeclined', declined, 'webstore.payments.v1', t(20), 'payment');
    deliver(projection, 'StockReserved', reserved, 'webstore.inventory.v1', t(10), 'inventory');
    expect(projection.order('ord-1') !== undefined).toBe(false);
    deliver(projection, 'OrderPlaced', placed, 'webstore.orders.v1', t(0), 'gateway');
    const order = projection.order('ord-1')!;
    expect(order.events.map((e) => e.type)).toEqual([
      'OrderPlaced',
      'StockReserved',
      'PaymentDeclined',
      'StockReleased',
    ]);
    expect(order).toMatchObject({ status: 'failed', reason: 'card_declined', sagaComplete: true });
  });

  it('completes the saga of a declined order only when its release has arrived too', () => {
    const projection = new OrderProjection(openStore());
    deliver(projection, 'OrderPlaced', placed, 'webstore.orders.v1', t(0), 'gateway');
    // The inventory topic is read ahead of the payments topic: the release comes first.
    deliver(projection, 'StockReserved', reserved, 'webstore.inventory.v1', t(10), 'inventory');
    deliver(projection, 'StockReleased', released, 'webstore.inventory.v1', t(30), 'inventory');
    expect(projection.order('ord-1')).toMatchObject({
      status: 'pending',
      sagaComplete: false,
    });
    deliver(projection, 'PaymentDeclined', declined, 'webstore.payments.v1', t(20), 'payment');
    expect(projection.order('ord-1')).toMatchObject({ status: 'failed', sagaComplete: true });
  });

  it('ignores a redelivered event', () => {
    const projection = new OrderProjection(openStore());
    deliver(projection, 'OrderPlaced', placed, 'webstore.orders.v1', t(0), 'gateway');
    const again = encodeEvent('StockReserved', reserved, {
      source: '/webstore/inventory',
      key: 'ord-1',
      id: 'same-id',
    });
    for (let i = 0; i < 2; i++) {
      const message = {
        key: null,
        value: again.value,
        headers: again.headers,
        offset: String(i),
        timestamp: '0',
        attributes: 0,
      } as never;
      projection.apply(decodeEvent(message), {
        topic: 'webstore.inventory.v1',
        partition: 0,
        offset: String(i),
      });
    }
    expect(projection.order('ord-1')!.events).toHaveLength(2);
  });

  it('derives the customer segment from the seed history plus the orders it saw completed', () => {
    const projection = new OrderProjection(openStore(), undefined, () => Date.parse(t(0)));
    expect(projection.segmentOf('cust-ana')).toBe('returning');
    expect(projection.segmentOf('cust-sam')).toBe('at_risk');
    expect(projection.segmentOf('cust-nobody')).toBe('new');
    const complete = (n: number) => {
      const orderId = `ord-s${n}`;
      deliver(
        projection,
        'OrderPlaced',
        { ...placed, orderId },
        'webstore.orders.v1',
        t(n),
        'gateway',
      );
      deliver(
        projection,
        'PaymentAuthorized',
        {
          orderId,
          customerId: 'cust-ana',
          country: 'BR',
          amountCents: 11800,
          currency: 'USD',
          paymentId: `pay-${n}`,
          authorizedAt: t(n + 1),
        },
        'webstore.payments.v1',
        t(n + 1),
        'payment',
      );
    };
    // $188 seeded; three $118 purchases pass the $500 line.
    complete(100);
    complete(200);
    deliver(
      projection,
      'PaymentDeclined',
      { ...declined, orderId: 'ord-s300' },
      'webstore.payments.v1',
      t(300),
      'payment',
    );
    expect(projection.segmentOf('cust-ana')).toBe('returning');
    complete(400);
    expect(projection.segmentOf('cust-ana')).toBe('vip');
  });
});

describe('order projection: stock and deadlines', () => {
  const level = (available: number, version: number) => ({
    productId: 'sku-lamp',
    available,
    reserved: 130 - available,
    sold: 0,
    restocked: 0,
    version,
  });

  it('shows the stock inventory last reported, keeping the newest version whatever the arrival order', () => {
    const projection = new OrderProjection(openStore());
    expect(projection.stockOf('sku-lamp')).toBe(130);
    deliver(projection, 'OrderPlaced', placed, 'webstore.orders.v1', t(0), 'gateway');
    deliver(
      projection,
      'StockReserved',
      { ...reserved, levels: [level(120, 7)] },
      'webstore.inventory.v1',
      t(10),
      'inventory',
    );
    deliver(
      projection,
      'StockReleased',
      { ...released, levels: [level(125, 6)] },
      'webstore.inventory.v1',
      t(30),
      'inventory',
    );
    expect(projection.stockOf('sku-lamp')).toBe(120);
    deliver(
      projection,
      'StockReplenished',
      {
        productId: 'sku-lamp',
        quantity: 100,
        level: { ...level(220, 8), reserved: 10, restocked: 100 },
        replenishedAt: t(40),
      },
      'webstore.inventory.v1',
      t(40),
      'inventory',
    );
    expect(projection.stockOf('sku-lamp')).toBe(220);
  });

  it('lists pending orders past their deadline once, and fails them with reason timeout on the decline', () => {
    let now = Date.parse(t(0));
    const projection = new OrderProjection(openStore(), undefined, () => now);
    deliver(projection, 'OrderPlaced', placed, 'webstore.orders.v1', t(0), 'gateway');
    expect(projection.overdue(30_000)).toEqual([]);
    now += 31_000;
    expect(projection.overdue(30_000).map((o) => o.orderId)).toEqual(['ord-1']);
    projection.timeoutRequested('ord-1');
    expect(projection.overdue(30_000)).toEqual([]);
    deliver(
      projection,
      'PaymentDeclined',
      { ...declined, reason: 'timeout' },
      'webstore.payments.v1',
      t(31_000),
      'payment',
    );
    // No reservation was ever made: inventory's answer is a cancelled rejection.
    deliver(
      projection,
      'StockRejected',
      { orderId: 'ord-1', reason: 'cancelled', shortages: [], rejectedAt: t(31_500) },
      'webstore.inventory.v1',
      t(31_500),
      'inventory',
    );
    expect(projection.order('ord-1')).toMatchObject({
      status: 'failed',
      reason: 'timeout',
      sagaComplete: true,
    });
  });
});
