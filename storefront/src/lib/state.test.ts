import { describe, expect, it } from 'vitest';
import { createCart } from './cart.svelte.js';
import { createJourney } from './journey.svelte.js';
import { ancestry, hopsOf, spansOf } from './trace.js';

function memory(initial?: string) {
  const data = new Map<string, string>(initial ? [['webstore.cart', initial]] : []);
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    data,
  };
}

const lamp = { id: 'sku-lamp', name: 'Desk Lamp', priceCents: 5900 };
const mouse = { id: 'sku-mouse', name: 'Ergonomic Mouse', priceCents: 6900 };

describe('cart', () => {
  it('adds, merges lines, totals, and persists to storage', () => {
    const storage = memory();
    const cart = createCart(storage);
    cart.add(lamp);
    cart.add(lamp, 2);
    cart.add(mouse);
    expect(cart.lines.map((l) => [l.productId, l.quantity])).toEqual([
      ['sku-lamp', 3],
      ['sku-mouse', 1],
    ]);
    expect([cart.count, cart.totalCents]).toEqual([4, 3 * 5900 + 6900]);
    expect(createCart(storage).count).toBe(4);
  });

  it('removes a line at quantity 0 and clears', () => {
    const cart = createCart(memory());
    cart.add(lamp);
    cart.add(mouse);
    cart.setQuantity('sku-lamp', 0);
    expect(cart.lines.map((l) => l.productId)).toEqual(['sku-mouse']);
    cart.clear();
    expect(cart.count).toBe(0);
  });

  it('survives corrupt storage', () => {
    expect(createCart(memory('{not json')).count).toBe(0);
    expect(createCart(memory('[{"productId": 5}]')).count).toBe(0);
  });
});

describe('journey timeline', () => {
  const event = (type: string, offset: string, at: string) => ({
    type,
    topic: 't',
    partition: 0,
    offset,
    service: 's',
    at,
    sincePlacedMs: 0,
  });

  it('orders events by time, ignores repeats, and explains a failure', () => {
    const journey = createJourney();
    journey.add(event('PaymentDeclined', '2', '2026-11-25T10:00:02Z'));
    journey.add(event('OrderPlaced', '0', '2026-11-25T10:00:00Z'));
    journey.add(event('OrderPlaced', '0', '2026-11-25T10:00:00Z'));
    expect(journey.events.map((e) => e.type)).toEqual(['OrderPlaced', 'PaymentDeclined']);
    expect(journey.status).toBe('pending');
    journey.finish({
      orderId: 'o',
      country: 'BR',
      items: [],
      totalCents: 1,
      status: 'failed',
      reason: 'card_declined',
      placedAt: '',
      traceId: 'abc',
      events: [event('StockReserved', '1', '2026-11-25T10:00:01Z')],
    });
    expect(journey.events.map((e) => e.type)).toEqual([
      'OrderPlaced',
      'StockReserved',
      'PaymentDeclined',
    ]);
    expect(journey.explanation).toBe('Payment declined: card declined');
  });

  it('names the missing item of an out-of-stock order', () => {
    const journey = createJourney();
    journey.finish({
      orderId: 'o',
      country: 'US',
      items: [],
      totalCents: 1,
      status: 'failed',
      reason: 'out_of_stock',
      detail: 'Camp Stove: 4 requested, 3 available',
      placedAt: '',
      traceId: '',
      events: [],
    });
    expect(journey.explanation).toBe('Out of stock: Camp Stove: 4 requested, 3 available');
  });
});

describe('the journey’s summary and trace', () => {
  const event = (type: string, offset: string, service: string) => ({
    type,
    topic: 't',
    partition: 0,
    offset,
    service,
    at: `2026-11-25T10:00:0${offset}Z`,
    sincePlacedMs: Number(offset) * 1000,
  });

  it('names the service that decided, and is complete only at the saga’s end', () => {
    const journey = createJourney();
    journey.add(event('OrderPlaced', '0', 'gateway'));
    journey.add(event('StockReserved', '1', 'inventory'));
    expect(journey.decidedBy).toBeUndefined();
    const order = {
      orderId: 'o',
      country: 'BR' as const,
      items: [],
      totalCents: 1,
      status: 'failed' as const,
      reason: 'timeout',
      placedAt: '',
      traceId: '',
      events: [event('PaymentDeclined', '2', 'gateway')],
    };
    journey.finish(order);
    expect([journey.decidedBy, journey.complete]).toEqual(['gateway', false]);
    expect(journey.explanation).toMatch(/^Timed out/);
    journey.end({ ...order, events: [...order.events, event('StockReleased', '3', 'inventory')] });
    expect(journey.complete).toBe(true);
    expect(journey.events.map((e) => e.type).at(-1)).toBe('StockReleased');
  });

  it('reads an OTLP/JSON trace: depth, ancestry, and each hop’s wait in its topic', () => {
    const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const span = (
      id: string,
      parent: string,
      kind: number,
      start: number,
      end: number,
      topic?: string,
    ) => ({
      spanId: id,
      ...(parent ? { parentSpanId: parent } : {}),
      name: id,
      kind,
      startTimeUnixNano: String(BigInt(start) * 1_000_000n),
      endTimeUnixNano: String(BigInt(end) * 1_000_000n),
      attributes: topic ? [kv('messaging.destination.name', topic)] : [],
    });
    const resource = (service: string, spans: ReturnType<typeof span>[]) => ({
      resource: { attributes: [kv('service.name', service)] },
      scopeSpans: [{ spans }],
    });
    const spans = spansOf({
      resourceSpans: [
        resource('gateway', [
          span('http', 'click', 2, 1000, 1010),
          span('send', 'http', 4, 1002, 1004, 'orders'),
        ]),
        resource('storefront-web', [span('click', '', 1, 999, 1011)]),
        resource('inventory', [span('process', 'send', 5, 1009, 1012, 'orders')]),
      ],
    });
    expect(spans.map((s) => [s.spanId, s.depth])).toEqual([
      ['click', 0],
      ['http', 1],
      ['send', 2],
      ['process', 3],
    ]);
    expect(ancestry(spans, 'process').map((s) => s.service)).toEqual([
      'inventory',
      'gateway',
      'gateway',
      'storefront-web',
    ]);
    expect(hopsOf(spans)).toEqual([{ topic: 'orders', service: 'inventory', queueMs: 5 }]);
  });
});
