// The HTTP contract against a real broker (in-process) and the real publisher: good requests are
// accepted; every kind of bad input is a 4xx problem document naming the problem, never a 5xx.
import type { Server } from 'node:http';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroker, type Broker } from '@webstore/embedded-kafka';
import { createLogger } from '@webstore/observability/logger';
import { createMetrics } from '@webstore/observability/metrics';
import { createPublisher } from '@webstore/producer-client';
import { createApp, loadConfig, OrderProjection } from '../src/app.js';

let broker: Broker;
let producer: kafkajs.Producer;
let server: Server;
let base: string;

beforeAll(async () => {
  broker = await createBroker({ port: 0, defaultPartitions: 3 });
  const kafka = new kafkajs.Kafka({
    brokers: [broker.bootstrap],
    logLevel: kafkajs.logLevel.NOTHING,
  });
  producer = kafka.producer();
  await producer.connect();
  const app = createApp({
    config: loadConfig({ KAFKA_BROKERS: broker.bootstrap, PAYMENT_URL: 'http://127.0.0.1:9' }),
    publisher: createPublisher({ producer, source: '/webstore/gateway' }),
    projection: new OrderProjection(),
    metrics: createMetrics(),
    log: createLogger('gateway', { level: 'fatal' }),
    readiness: { kafka: () => true, projectionCaughtUp: () => true },
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server?.close();
  await producer?.disconnect();
  await broker?.stop();
});

const USER = 'user-token-123';
const ADMIN = 'admin-token-456';
const order = { items: [{ productId: 'sku-lamp', quantity: 2 }], country: 'BR' };

async function call(
  path: string,
  init: {
    method?: string;
    token?: string;
    body?: unknown;
    raw?: string;
    headers?: Record<string, string>;
  } = {},
) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined || init.raw !== undefined)
    headers['content-type'] ??= 'application/json';
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body !== undefined || init.raw !== undefined ? 'POST' : 'GET'),
    headers,
    body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: text ? JSON.parse(text) : undefined,
  };
}

describe('accepted requests', () => {
  it('lists products with live stock, filters by category and search', async () => {
    const all = await call('/api/products');
    expect(all.status).toBe(200);
    expect(all.body.products.length).toBeGreaterThanOrEqual(18);
    expect(all.body.products[0]).toMatchObject({
      id: expect.any(String),
      stock: expect.any(Number),
      priceCents: expect.any(Number),
    });
    const books = await call('/api/products?category=books&q=kafka');
    expect(books.body.products.map((p: { id: string }) => p.id)).toEqual(['sku-book-kafka']);
  });

  it('accepts an order with 202, an order id and the trace id', async () => {
    const res = await call('/api/orders', { token: USER, body: order });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ orderId: expect.stringMatching(/^ord-/), status: 'pending' });
  });

  it('honours Idempotency-Key: same body → same order, different body → 409', async () => {
    const headers = { 'idempotency-key': 'checkout-1' };
    const first = await call('/api/orders', { token: USER, body: order, headers });
    const again = await call('/api/orders', { token: USER, body: order, headers });
    expect(again.body.orderId).toBe(first.body.orderId);
    const other = await call('/api/orders', {
      token: USER,
      body: { ...order, country: 'US' },
      headers,
    });
    expect(other.status).toBe(409);
    expect(other.body.field).toBe('Idempotency-Key');
    // Keys are per customer: another persona's same key is a different order.
    const elsewhere = await call('/api/orders', { token: 'test-token-789', body: order, headers });
    expect(elsewhere.body.orderId).not.toBe(first.body.orderId);
  });

  it('accepts funnel activity', async () => {
    const res = await call('/api/activity', {
      body: { type: 'view_product', sessionId: 's1', country: 'JP', productId: 'sku-lamp' },
    });
    expect(res.status).toBe(202);
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const doc = await call('/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    const page = await fetch(`${base}/docs`);
    expect(await page.text()).toContain('swagger-ui-bundle.js');
    expect((await fetch(`${base}/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
  });
});

describe('bad input gets a 4xx problem document naming the problem', () => {
  const cases: [string, Parameters<typeof call>[1], number, RegExp, string?][] = [
    ['malformed JSON', { token: USER, raw: '{"items": [' }, 400, /not valid JSON/],
    [
      'a missing field',
      { token: USER, body: { items: order.items } },
      400,
      /country is required/,
      'country',
    ],
    [
      'a wrong type',
      { token: USER, body: { ...order, items: 'lamp' } },
      400,
      /items must be array/,
      'items',
    ],
    [
      'a negative quantity',
      { token: USER, body: { ...order, items: [{ productId: 'sku-lamp', quantity: -1 }] } },
      400,
      /items\[0\]\.quantity must be >= 1/,
      'items[0].quantity',
    ],
    [
      'an unknown country',
      { token: USER, body: { ...order, country: 'XX' } },
      400,
      /country must be one of/,
      'country',
    ],
    [
      'an unknown field',
      { token: USER, body: { ...order, coupon: 'FREE' } },
      400,
      /coupon is not a known field/,
      'coupon',
    ],
    [
      'an empty cart',
      { token: USER, body: { ...order, items: [] } },
      400,
      /items must NOT have fewer than 1 items/,
      'items',
    ],
    [
      'an unknown product',
      { token: USER, body: { ...order, items: [{ productId: 'sku-nope', quantity: 1 }] } },
      422,
      /no product "sku-nope"/,
      'items[0].productId',
    ],
    ['no token', { body: order }, 401, /Authorization: Bearer/],
    ['a wrong token', { token: 'guess-me', body: order }, 401, /not one of the demo tokens/],
    [
      'a non-JSON content type',
      { token: USER, raw: 'items=1', headers: { 'content-type': 'text/plain' } },
      415,
      /application\/json/,
    ],
  ];

  it.each(cases)('POST /api/orders with %s', async (_name, init, status, detail, field) => {
    const res = await call('/api/orders', init);
    expect(res.status).toBe(status);
    expect(res.type).toContain('application/problem+json');
    expect(res.body).toMatchObject({
      status,
      title: expect.any(String),
      type: expect.stringContaining('/problems/'),
    });
    expect(res.body.detail).toMatch(detail);
    if (field) expect(res.body.field).toBe(field);
  });

  it('an activity event missing what its type needs', async () => {
    const res = await call('/api/activity', {
      body: { type: 'add_to_cart', sessionId: 's', country: 'US', productId: 'sku-lamp' },
    });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('quantity');
  });

  it('admin routes: 401 without a token, 403 with a customer token, 503 problem when the consumer is down', async () => {
    const body = { slowConsumer: { service: 'payment', delayMs: 100 } };
    expect((await call('/api/admin/faults', { body })).status).toBe(401);
    expect((await call('/api/admin/faults', { token: USER, body })).status).toBe(403);
    const down = await call('/api/admin/faults', { token: ADMIN, body });
    expect(down.status).toBe(503);
    expect(down.body.detail).toMatch(/payment service did not answer/);
  });

  it('unknown orders, products and routes are 404 problems', async () => {
    expect((await call('/api/orders/ord-missing', { token: USER })).status).toBe(404);
    expect((await call('/api/products/sku-missing')).body.detail).toMatch(/no product/);
    const route = await call('/api/nothing-here');
    expect(route.status).toBe(404);
    expect(route.type).toContain('application/problem+json');
  });
});
