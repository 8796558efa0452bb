import { describe, expect, it } from 'vitest';
import { encodeEvent, decodeEvent, type EventInput, type EventName } from '@webstore/schemas';
import { OrderProjection } from './projection.js';

let offset = 0;
function deliver<N extends EventName>(
  projection: OrderProjection,
  name: N,
  data: EventInput<N>,
  topic: string,
  time: string,
  source: string,
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
    message,
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
  it('follows an order to failed with its reason, restoring stock on release', () => {
    const projection = new OrderProjection();
    const before = projection.stockOf('sku-lamp');
    deliver(projection, 'OrderPlaced', placed, 'webstore.orders.v1', t(0), 'gateway');
    deliver(projection, 'StockReserved', reserved, 'webstore.inventory.v1', t(10), 'inventory');
    expect(projection.stockOf('sku-lamp')).toBe(before - 2);
    deliver(projection, 'PaymentDeclined', declined, 'webstore.payments.v1', t(20), 'payment');
    const order = projection.orders.get('ord-1')!;
    // Failed at the decline, but the saga goes on until the reservation is released.
    expect(order).toMatchObject({ status: 'failed', sagaComplete: false });
    deliver(projection, 'StockReleased', released, 'webstore.inventory.v1', t(30), 'inventory');
    expect(order).toMatchObject({
      status: 'failed',
      reason: 'card_declined',
      sagaComplete: true,
      traceId: '0af7651916cd43dd8448eb211c80319c',
    });
    expect(order.events.map((e) => [e.type, e.service, e.sincePlacedMs])).toEqual([
      ['OrderPlaced', 'gateway', 0],
      ['StockReserved', 'inventory', 10],
      ['PaymentDeclined', 'payment', 20],
      ['StockReleased', 'inventory', 30],
    ]);
    expect(projection.stockOf('sku-lamp')).toBe(before);
  });

  it('keeps events that arrive before their order, and orders the journey by event time', () => {
    const projection = new OrderProjection();
    deliver(projection, 'StockReleased', released, 'webstore.inventory.v1', t(30), 'inventory');
    deliver(projection, 'PaymentDeclined', declined, 'webstore.payments.v1', t(20), 'payment');
    deliver(projection, 'StockReserved', reserved, 'webstore.inventory.v1', t(10), 'inventory');
    expect(projection.orders.has('ord-1')).toBe(false);
    deliver(projection, 'OrderPlaced', placed, 'webstore.orders.v1', t(0), 'gateway');
    const order = projection.orders.get('ord-1')!;
    expect(order.events.map((e) => e.type)).toEqual([
      'OrderPlaced',
      'StockReserved',
      'PaymentDeclined',
      'StockReleased',
    ]);
    expect(order).toMatchObject({ status: 'failed', reason: 'card_declined', sagaComplete: true });
  });

  it('completes the saga of a declined order only when its release has arrived too', () => {
    const projection = new OrderProjection();
    deliver(projection, 'OrderPlaced', placed, 'webstore.orders.v1', t(0), 'gateway');
    // The inventory topic is read ahead of the payments topic: the release comes first.
    deliver(projection, 'StockReserved', reserved, 'webstore.inventory.v1', t(10), 'inventory');
    deliver(projection, 'StockReleased', released, 'webstore.inventory.v1', t(30), 'inventory');
    expect(projection.orders.get('ord-1')).toMatchObject({
      status: 'pending',
      sagaComplete: false,
    });
    deliver(projection, 'PaymentDeclined', declined, 'webstore.payments.v1', t(20), 'payment');
    expect(projection.orders.get('ord-1')).toMatchObject({ status: 'failed', sagaComplete: true });
  });

  it('ignores a redelivered event', () => {
    const projection = new OrderProjection();
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
        message,
      });
    }
    expect(projection.orders.get('ord-1')!.events).toHaveLength(2);
  });

  it('derives the customer segment from the seed history plus the orders it saw completed', () => {
    const projection = new OrderProjection(undefined, () => Date.parse(t(0)));
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
