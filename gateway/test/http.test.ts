// The HTTP contract against a real broker (in-process) and the real publisher: good requests are
// accepted; every kind of bad input is a 4xx problem document naming the problem, never a 5xx.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroker, type Broker } from '@webstore/embedded-kafka';
import { createLogger } from '@webstore/observability/logger';
import { createMetrics } from '@webstore/observability/metrics';
import { openStore, type StateStore } from '@webstore/consumer-runtime/store';
import { createPublisher } from '@webstore/producer-client';
import { decodeEvent, encodeEvent, type EventInput, type EventName } from '@webstore/schemas';
import { waitFor } from '@webstore/testkit';
import { createApp, idempotencyKeys, loadConfig, OrderProjection } from '../src/app.js';

let broker: Broker;
let kafka: InstanceType<typeof kafkajs.Kafka>;
let producer: kafkajs.Producer;
let gateway: Gateway;
let base: string;
const dataDir = mkdtempSync(join(tmpdir(), 'gateway-http-'));

interface Gateway {
  server: Server;
  base: string;
  store: StateStore;
  projection: OrderProjection;
  close(): Promise<void>;
}

/** The app on a free port with its state under `dataDir` (reopened by a restart). */
async function startGateway(): Promise<Gateway> {
  const store = openStore(join(dataDir, 'gateway.db'));
  const projection = new OrderProjection(store);
  const app = createApp({
    config: loadConfig({ KAFKA_BROKERS: broker.bootstrap, PAYMENT_URL: 'http://127.0.0.1:9' }),
    publisher: createPublisher({ producer, source: '/webstore/gateway' }),
    projection,
    keys: idempotencyKeys(store),
    metrics: createMetrics(),
    log: createLogger('gateway', { level: 'fatal' }),
    readiness: { kafka: () => true, projectionCaughtUp: () => true },
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    server,
    store,
    projection,
    base: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      store.close();
    },
  };
}

beforeAll(async () => {
  broker = await createBroker({ port: 0, defaultPartitions: 3 });
  kafka = new kafkajs.Kafka({
    brokers: [broker.bootstrap],
    logLevel: kafkajs.logLevel.NOTHING,
  });
  producer = kafka.producer();
  await producer.connect();
  gateway = await startGateway();
  base = gateway.base;
});

afterAll(async () => {
  await gateway?.close();
  await producer?.disconnect();
  await broker?.stop();
  rmSync(dataDir, { recursive: true, force: true });
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

/** OrderPlaced messages on the orders topic for an order id, read from the beginning. */
async function placedMessages(orderId: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  const total = (await admin.fetchTopicOffsets('webstore.orders.v1')).reduce(
    (n, p) => n + Number(p.high),
    0,
  );
  await admin.disconnect();
  const seen: kafkajs.KafkaMessage[] = [];
  const reader = kafka.consumer({
    groupId: `reader-${Date.now()}-${Math.random()}`,
    maxWaitTimeInMs: 100,
  });
  await reader.connect();
  await reader.subscribe({ topic: 'webstore.orders.v1', fromBeginning: true });
  await reader.run({ eachMessage: async ({ message }) => void seen.push(message) });
  await waitFor(() => seen.length >= total, { timeoutMs: 20_000, message: `read ${total} orders` });
  await reader.disconnect();
  return seen.filter((m) => m.key?.toString() === orderId).map((m) => m.headers!.ce_id!.toString());
}

/** Delivers an event to the projection as its consumer would. */
function deliver<N extends EventName>(name: N, data: EventInput<N>, offset: number) {
  const encoded = encodeEvent(name, data, { source: '/webstore/test', key: 'k' });
  gateway.projection.apply(decodeEvent(encoded), {
    topic: 'test',
    partition: 0,
    offset: String(offset),
  });
}

/** Opens an SSE stream: its frames (`id`, `event`, `data`) as they arrive, and its end. */
function openStream(path: string, headers: Record<string, string> = {}) {
  const frames: Record<string, string>[] = [];
  const done = (async () => {
    const response = await fetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${USER}`, ...headers },
      signal: AbortSignal.timeout(15_000),
    });
    let buffered = '';
    for await (const chunk of response.body!) {
      buffered += Buffer.from(chunk).toString('utf8');
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (block.startsWith(':')) continue;
        frames.push(
          Object.fromEntries(
            block.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
          ),
        );
      }
    }
    return frames;
  })();
  return { frames, done };
}

describe('exactly one order per Idempotency-Key, readable at once', () => {
  it('three concurrent requests with one key place one order, and all three get its id', async () => {
    const headers = { 'idempotency-key': `concurrent-${Date.now()}` };
    const answers = await Promise.all(
      [1, 2, 3].map(() => call('/api/orders', { token: USER, body: order, headers })),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    const ids = new Set(answers.map((a) => a.body.orderId));
    expect(ids.size).toBe(1);
    expect(await placedMessages([...ids][0]!)).toHaveLength(1);
  });

  it('remembers a key across a restart: the retry gets the same order and publishes nothing', async () => {
    const headers = { 'idempotency-key': `restart-${Date.now()}` };
    const first = await call('/api/orders', { token: USER, body: order, headers });
    await gateway.close();
    gateway = await startGateway();
    base = gateway.base;
    const retry = await call('/api/orders', { token: USER, body: order, headers });
    expect(retry).toMatchObject({ status: 202, body: first.body });
    expect(await placedMessages(first.body.orderId)).toHaveLength(1);
  });

  it('answers GET /api/orders/:id with the pending order the moment the 202 is sent', async () => {
    const placed = await call('/api/orders', { token: USER, body: order });
    const read = await call(`/api/orders/${placed.body.orderId}`, { token: USER });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      orderId: placed.body.orderId,
      status: 'pending',
      sagaComplete: false,
    });
    expect(read.body.events.map((e: { type: string }) => e.type)).toEqual(['OrderPlaced']);
  });
});

describe('the journey stream', () => {
  it('stays open past the decline until the release, numbers its events, and resumes after Last-Event-ID', async () => {
    const { body } = await call('/api/orders', { token: USER, body: order });
    const orderId: string = body.orderId;
    const now = () => new Date().toISOString();
    const line = [{ productId: 'sku-lamp', quantity: 2 }];
    const stream = openStream(`/api/orders/${orderId}/events`);
    await waitFor(() => stream.frames.length === 1, { message: 'the stream sends OrderPlaced' });
    deliver(
      'StockReserved',
      {
        orderId,
        reservationId: `res-${orderId}`,
        items: line,
        customerId: 'cust-ana',
        country: 'BR',
        totalCents: 11800,
        reservedAt: now(),
      },
      1,
    );
    deliver(
      'PaymentDeclined',
      {
        orderId,
        customerId: 'cust-ana',
        country: 'BR',
        amountCents: 11800,
        currency: 'USD',
        reason: 'card_declined',
        declinedAt: now(),
      },
      2,
    );
    // Failed, but not over: the stream must stay open for the compensation.
    await waitFor(() => stream.frames.some((f) => f.event === 'status'), {
      message: 'the failed status on the stream',
    });
    deliver(
      'StockReleased',
      {
        orderId,
        reservationId: `res-${orderId}`,
        items: line,
        reason: 'payment_declined',
        releasedAt: now(),
      },
      3,
    );
    const frames = await stream.done;
    expect(frames.map((f) => [f.event, f.id])).toEqual([
      ['journey', '1'],
      ['journey', '2'],
      ['journey', '3'],
      ['status', undefined],
      ['journey', '4'],
      ['complete', undefined],
    ]);
    // A reconnect after event 2 gets 3 and 4, the status and the end: no gap, no repeat.
    const resumed = await openStream(`/api/orders/${orderId}/events`, { 'last-event-id': '2' })
      .done;
    expect(resumed.map((f) => [f.event, f.id])).toEqual([
      ['journey', '3'],
      ['journey', '4'],
      ['status', undefined],
      ['complete', undefined],
    ]);
  });
});
