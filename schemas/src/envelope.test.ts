import { describe, expect, it } from 'vitest';
import { decodeEvent, encodeEvent, headerString, type MessageHeaders } from './envelope.js';
import { EventDecodeError } from './errors.js';
import { EVENT_NAMES, eventCatalog, type EventInput, type EventName } from './events/catalog.js';

const now = '2026-11-25T10:00:00.000Z';

const samples: { [N in EventName]: EventInput<N> } = {
  OrderPlaced: {
    orderId: 'ord-1',
    customerId: 'cust-ana',
    country: 'BR',
    currency: 'USD',
    items: [{ productId: 'sku-kettle', quantity: 2, unitPriceCents: 8900 }],
    totalCents: 17800,
    placedAt: now,
  },
  OrderTimedOut: {
    orderId: 'ord-1',
    customerId: 'cust-ana',
    country: 'BR',
    totalCents: 17800,
    placedAt: now,
    deadlineMs: 30_000,
    timedOutAt: now,
  },
  StockReserved: {
    orderId: 'ord-1',
    reservationId: 'res-1',
    items: [{ productId: 'sku-kettle', quantity: 2 }],
    customerId: 'cust-ana',
    country: 'BR',
    totalCents: 17800,
    reservedAt: now,
  },
  StockRejected: {
    orderId: 'ord-1',
    reason: 'out_of_stock',
    shortages: [{ productId: 'sku-stove', requested: 4, available: 3 }],
    rejectedAt: now,
  },
  StockReleased: {
    orderId: 'ord-1',
    reservationId: 'res-1',
    items: [{ productId: 'sku-kettle', quantity: 2 }],
    reason: 'payment_declined',
    releasedAt: now,
  },
  StockReplenished: {
    productId: 'sku-kettle',
    quantity: 50,
    level: {
      productId: 'sku-kettle',
      available: 55,
      reserved: 2,
      sold: 40,
      restocked: 50,
      version: 43,
    },
    replenishedAt: now,
  },
  PaymentAuthorized: {
    orderId: 'ord-1',
    paymentId: 'pay-1',
    customerId: 'cust-ana',
    country: 'US',
    amountCents: 17800,
    currency: 'USD',
    authorizedAt: now,
  },
  PaymentDeclined: {
    orderId: 'ord-1',
    customerId: 'cust-ana',
    country: 'BR',
    amountCents: 17800,
    currency: 'USD',
    reason: 'insufficient_funds',
    declinedAt: now,
  },
  CatalogBrowsed: { sessionId: 's-1', country: 'JP', occurredAt: now, category: 'audio' },
  ProductViewed: {
    sessionId: 's-1',
    customerId: 'cust-ana',
    country: 'JP',
    occurredAt: now,
    productId: 'sku-lamp',
  },
  CartItemAdded: {
    sessionId: 's-1',
    country: 'IN',
    occurredAt: now,
    productId: 'sku-lamp',
    quantity: 1,
  },
  CheckoutStarted: {
    sessionId: 's-1',
    country: 'FR',
    occurredAt: now,
    itemCount: 3,
    cartValueCents: 12000,
  },
};

/** Turns encoded string headers into the Buffers kafkajs delivers on consume. */
function asConsumed(headers: Record<string, string>): MessageHeaders {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));
}

function expectDecodeError(fn: () => unknown): EventDecodeError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EventDecodeError);
    return err as EventDecodeError;
  }
  throw new Error('expected an EventDecodeError');
}

describe('CloudEvents envelope', () => {
  it.each(EVENT_NAMES)('round-trips %s with its headers intact', (name) => {
    const encoded = encodeEvent(name, samples[name], {
      source: '/webstore/test',
      key: 'ord-1',
      id: 'evt-1',
      time: new Date(now),
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    expect(encoded.key).toBe('ord-1');
    expect(encoded.headers).toMatchObject({
      ce_id: 'evt-1',
      ce_type: eventCatalog[name].type,
      ce_source: '/webstore/test',
      ce_time: now,
      ce_specversion: '1.0',
      'content-type': 'application/json',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    const headers = asConsumed(encoded.headers);
    const decoded = decodeEvent({ value: encoded.value, headers });
    expect(decoded).toMatchObject({ id: 'evt-1', name, type: eventCatalog[name].type, time: now });
    expect(decoded.data).toMatchObject(samples[name] as object);
    expect(headerString(headers, 'traceparent')).toBe(encoded.headers.traceparent);
  });

  it('fills defaults such as synthetic=false', () => {
    const encoded = encodeEvent('OrderPlaced', samples.OrderPlaced, { source: '/t', key: 'k' });
    expect(JSON.parse(encoded.value.toString()).synthetic).toBe(false);
    expect(encoded.headers.ce_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses to encode an invalid event, naming the field', () => {
    const err = expectDecodeError(() =>
      encodeEvent(
        'OrderPlaced',
        { ...samples.OrderPlaced, totalCents: -1 },
        { source: '/t', key: 'k' },
      ),
    );
    expect(err.field).toBe('totalCents');
    expect(err.eventType).toBe('OrderPlaced');
  });
});

describe('decodeEvent errors', () => {
  const good = encodeEvent('OrderPlaced', samples.OrderPlaced, { source: '/t', key: 'ord-1' });
  const withValue = (value: unknown) => ({
    value: Buffer.from(JSON.stringify(value)),
    headers: asConsumed(good.headers),
  });

  it('names a missing field', () => {
    const { customerId: _omit, ...rest } = samples.OrderPlaced;
    const err = expectDecodeError(() => decodeEvent(withValue(rest)));
    expect(err).toMatchObject({
      code: 'missing_field',
      eventType: 'OrderPlaced',
      field: 'customerId',
      retriable: false,
    });
    expect(err.message).toContain('OrderPlaced');
    expect(err.message).toContain('customerId');
  });

  it('names a nested field of the wrong type', () => {
    const items = [{ productId: 'sku-kettle', quantity: 'two', unitPriceCents: 8900 }];
    const err = expectDecodeError(() => decodeEvent(withValue({ ...samples.OrderPlaced, items })));
    expect(err).toMatchObject({
      code: 'invalid_type',
      eventType: 'OrderPlaced',
      field: 'items.0.quantity',
    });
  });

  it('names an out-of-range value', () => {
    const err = expectDecodeError(() =>
      decodeEvent(withValue({ ...samples.OrderPlaced, country: 'XX' })),
    );
    expect(err).toMatchObject({ code: 'invalid_value', field: 'country' });
  });

  it('rejects an unknown event type', () => {
    const headers = asConsumed({ ...good.headers, ce_type: 'com.example.nope.v1' });
    const err = expectDecodeError(() => decodeEvent({ value: good.value, headers }));
    expect(err).toMatchObject({
      code: 'unknown_event_type',
      eventType: 'com.example.nope.v1',
      field: 'ce_type',
    });
  });

  it('rejects a value that is not JSON', () => {
    const err = expectDecodeError(() =>
      decodeEvent({ value: Buffer.from('{"orderId": '), headers: asConsumed(good.headers) }),
    );
    expect(err).toMatchObject({ code: 'invalid_json', eventType: 'OrderPlaced', field: 'value' });
  });

  it('rejects a null value', () => {
    const err = expectDecodeError(() =>
      decodeEvent({ value: null, headers: asConsumed(good.headers) }),
    );
    expect(err.code).toBe('invalid_json');
  });

  it.each(['ce_type', 'ce_id', 'ce_source', 'ce_time'])(
    'rejects a message without %s',
    (header) => {
      const { [header]: _drop, ...rest } = good.headers;
      const err = expectDecodeError(() =>
        decodeEvent({ value: good.value, headers: asConsumed(rest) }),
      );
      expect(err).toMatchObject({ code: 'missing_header', field: header });
    },
  );
});
