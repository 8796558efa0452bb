// Hostile or careless clients: what one client may take, and what it may learn. Against a real
// broker (in-process) and the real app on a real socket, configured through the environment as
// in production: the persona picker and the admin token, query-string credentials and stream
// tickets, request rates, the cap on event streams, body size, and streams ending on shutdown.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import kafkajs from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBroker, type Broker } from '@webstore/embedded-kafka';
import { createLogger } from '@webstore/observability/logger';
import { createMetrics } from '@webstore/observability/metrics';
import { openStore } from '@webstore/consumer-runtime/store';
import { createPublisher } from '@webstore/producer-client';
import { waitFor } from '@webstore/testkit';
import {
  ConfigError,
  createGateway,
  idempotencyKeys,
  loadConfig,
  OrderProjection,
  type OpenStreams,
} from '../src/app.js';
import { problemMiddleware } from '../src/problem.js';

const USER = 'user-token-123';
const OTHER = 'test-token-789';
const OPERATOR = 'operator-secret-1';
const order = { items: [{ productId: 'sku-lamp', quantity: 1 }], country: 'US' };
const DEADLINE_MS = 10_000;

let broker: Broker;
let producer: kafkajs.Producer;
const dataDir = mkdtempSync(join(tmpdir(), 'gateway-clients-'));
const running: Running[] = [];

interface Running {
  base: string;
  server: Server;
  streams: OpenStreams;
  close(): Promise<void>;
}

let instances = 0;
/** A gateway configured by `env` (on top of the broker), listening on a free port. */
async function startGateway(env: Record<string, string> = {}): Promise<Running> {
  const store = openStore(join(dataDir, `gateway-${++instances}.db`));
  const { app, streams } = createGateway({
    config: loadConfig({ KAFKA_BROKERS: broker.bootstrap, ...env }),
    publisher: createPublisher({ producer, source: '/webstore/gateway' }),
    projection: new OrderProjection(store),
    keys: idempotencyKeys(store),
    metrics: createMetrics(),
    log: createLogger('gateway', { level: process.env.TEST_LOG ? 'debug' : 'fatal' }),
    readiness: { kafka: () => true, projectionCaughtUp: () => true },
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const instance: Running = {
    base: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    server,
    streams,
    async close() {
      streams.endAll();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      store.close();
    },
  };
  running.push(instance);
  return instance;
}

beforeAll(async () => {
  broker = await createBroker({ port: 0, defaultPartitions: 3 });
  producer = new kafkajs.Kafka({
    brokers: [broker.bootstrap],
    logLevel: kafkajs.logLevel.NOTHING,
  }).producer();
  await producer.connect();
});

afterEach(async () => {
  for (const instance of running.splice(0)) await instance.close();
});

afterAll(async () => {
  await producer?.disconnect();
  await broker?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function bearer(token: string, extra: Record<string, string> = {}) {
  return { authorization: `Bearer ${token}`, ...extra };
}

async function placeOrder(base: string, token = USER): Promise<string> {
  const response = await fetch(`${base}/api/orders`, {
    method: 'POST',
    headers: bearer(token, { 'content-type': 'application/json' }),
    body: JSON.stringify(order),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { orderId: string }).orderId;
}

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  return (await response.json()) as { status: number; detail: string; type: string };
}

/** Opens an event stream and resolves once its headers arrived; `close()` aborts it. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  return { response, close: () => abort.abort() };
}

describe('the persona picker is a demo-mode feature', () => {
  it('in demo mode lists the demo customers, never the admin persona or any admin token', async () => {
    const { base } = await startGateway();
    const response = await fetch(`${base}/api/personas`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const { personas } = JSON.parse(text) as { personas: { role: string; token: string }[] };
    expect(personas.map((p) => p.token)).toEqual([USER, OTHER, 'user-token-321']);
    expect(personas.every((p) => p.role === 'customer')).toBe(true);
    expect(text).not.toContain('admin-token-456');
  });

  it('with DEMO_MODE=false answers 404 problem+json', async () => {
    const { base } = await startGateway({ DEMO_MODE: 'false', ADMIN_TOKEN: OPERATOR });
    const response = await fetch(`${base}/api/personas`);
    expect(response.status).toBe(404);
    expect((await problemOf(response)).detail).toMatch(/demo-mode feature \(DEMO_MODE is off\)/);
  });

  it('validates DEMO_MODE and ADMIN_TOKEN at start-up, naming the variable', () => {
    const base = { KAFKA_BROKERS: 'localhost:9092' };
    expect(() => loadConfig({ ...base, DEMO_MODE: 'maybe' })).toThrow(
      new ConfigError('DEMO_MODE must be true or false, got "maybe"'),
    );
    expect(() => loadConfig({ ...base, DEMO_MODE: 'false' })).toThrow(/ADMIN_TOKEN must be set/);
    expect(() =>
      loadConfig({ ...base, DEMO_MODE: 'false', ADMIN_TOKEN: 'admin-token-456' }),
    ).toThrow(/ADMIN_TOKEN must not be the published demo admin token/);
    expect(() => loadConfig({ ...base, ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN must be/);
    expect(loadConfig(base)).toMatchObject({ demoMode: true, adminToken: 'admin-token-456' });
  });

  it("admin routes take the operator's ADMIN_TOKEN, and the demo admin token no longer opens them", async () => {
    const { base } = await startGateway({
      ADMIN_TOKEN: OPERATOR,
      PAYMENT_URL: 'http://127.0.0.1:9',
    });
    const faults = (token: string) =>
      fetch(`${base}/api/admin/faults`, {
        method: 'POST',
        headers: bearer(token, { 'content-type': 'application/json' }),
        body: JSON.stringify({ slowConsumer: { service: 'payment', delayMs: 10 } }),
      });
    expect((await faults('admin-token-456')).status).toBe(401);
    expect((await faults(USER)).status).toBe(403);
    // Past auth: the payment service is not running, so the forward fails with 503.
    const passed = await faults(OPERATOR);
    expect(passed.status).toBe(503);
    expect((await problemOf(passed)).detail).toMatch(/payment service did not answer/);
  });
});

describe('credentials in the query string', () => {
  it('are refused outside the event stream', async () => {
    const { base } = await startGateway();
    const orderId = await placeOrder(base);
    const read = await fetch(`${base}/api/orders/${orderId}?token=${USER}`);
    expect(read.status).toBe(401);
    const list = await fetch(`${base}/api/orders?mine&token=${USER}`);
    expect(list.status).toBe(401);
  });

  it('a ticket opens one order’s stream for its customer, and nothing else', async () => {
    const { base } = await startGateway();
    const orderId = await placeOrder(base);
    const otherId = await placeOrder(base);
    const issue = (id: string, headers: Record<string, string>) =>
      fetch(`${base}/api/orders/${id}/ticket`, { method: 'POST', headers });

    expect((await issue(orderId, {})).status).toBe(401);
    expect((await issue(orderId, bearer(OTHER))).status).toBe(404);
    const issued = await issue(orderId, bearer(USER));
    expect(issued.status).toBe(200);
    const { ticket, expiresAt } = (await issued.json()) as { ticket: string; expiresAt: string };
    const ttl = Date.parse(expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);

    const stream = await openStream(`${base}/api/orders/${orderId}/events?ticket=${ticket}`);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toContain('text/event-stream');
    stream.close();

    const elsewhere = await fetch(`${base}/api/orders/${otherId}/events?ticket=${ticket}`);
    expect(elsewhere.status).toBe(401);
    expect((await problemOf(elsewhere)).detail).toMatch(/another order/);
    const forged = await fetch(`${base}/api/orders/${orderId}/events?ticket=${ticket}x`);
    expect(forged.status).toBe(401);
    // A ticket is not a bearer token.
    expect((await fetch(`${base}/api/orders/${orderId}`, { headers: bearer(ticket) })).status).toBe(
      401,
    );
  });

  it('a ticket expires', async () => {
    const { base } = await startGateway({ SSE_TICKET_TTL_MS: '1000' });
    const orderId = await placeOrder(base);
    const { ticket } = (await (
      await fetch(`${base}/api/orders/${orderId}/ticket`, { method: 'POST', headers: bearer(USER) })
    ).json()) as { ticket: string };
    let last: Response | undefined;
    await waitFor(
      async () => {
        last = await fetch(`${base}/api/orders/${orderId}/events?ticket=${ticket}`);
        if (last.status === 200) await last.body?.cancel();
        return last.status === 401;
      },
      { timeoutMs: DEADLINE_MS, message: 'the 1 s ticket to be refused as expired' },
    );
    expect((await problemOf(last!)).detail).toMatch(/expired/);
  });
});

describe('limits answer with Retry-After instead of falling over', () => {
  it('POST /api/orders: 429 past the burst of one client, while another client is served', async () => {
    const { base } = await startGateway({ RATE_LIMIT_ORDERS: '1', RATE_LIMIT_ORDERS_BURST: '2' });
    await placeOrder(base);
    await placeOrder(base);
    const limited = await fetch(`${base}/api/orders`, {
      method: 'POST',
      headers: bearer(USER, { 'content-type': 'application/json' }),
      body: JSON.stringify(order),
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await problemOf(limited)).detail).toMatch(/more than 1 orders per second/);
    await placeOrder(base, OTHER);
  });

  it('POST /api/activity: 429 per address for anonymous clients', async () => {
    const { base } = await startGateway({
      RATE_LIMIT_ACTIVITY: '1',
      RATE_LIMIT_ACTIVITY_BURST: '3',
    });
    const send = () =>
      fetch(`${base}/api/activity`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'browse_catalog', sessionId: 's-1', country: 'US' }),
      });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await send()).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
  });

  it('the defaults let one client place 500 orders at once (the benchmark offers 400–500/s)', async () => {
    const { base } = await startGateway();
    const statuses = await Promise.all(
      Array.from({ length: 500 }, () =>
        fetch(`${base}/api/orders`, {
          method: 'POST',
          headers: bearer(OTHER, { 'content-type': 'application/json' }),
          body: JSON.stringify(order),
        }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s !== 202)).toEqual([]);
  });

  it('event streams: 503 + Retry-After over MAX_SSE_STREAMS, admitted again once one closes', async () => {
    const { base, streams } = await startGateway({ MAX_SSE_STREAMS: '1' });
    const orderId = await placeOrder(base);
    const url = `${base}/api/orders/${orderId}/events`;
    const first = await openStream(url, bearer(USER));
    expect(first.response.status).toBe(200);
    const second = await fetch(url, { headers: bearer(USER) });
    expect(second.status).toBe(503);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await problemOf(second)).detail).toMatch(/already serves 1 event streams/);
    first.close();
    await waitFor(() => streams.size === 0, {
      timeoutMs: DEADLINE_MS,
      message: 'the gateway to notice the closed stream',
    });
    const third = await openStream(url, bearer(USER));
    expect(third.response.status).toBe(200);
    third.close();
  });

  it('a body over 64 KiB is a 413 problem, declared or streamed', async () => {
    const { base } = await startGateway();
    const big = JSON.stringify({ ...order, padding: 'x'.repeat(100 * 1024) });
    const declared = await fetch(`${base}/api/orders`, {
      method: 'POST',
      headers: bearer(USER, { 'content-type': 'application/json' }),
      body: big,
    });
    expect(declared.status).toBe(413);
    expect((await problemOf(declared)).detail).toMatch(/larger than 65536 bytes/);
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++)
          controller.enqueue(new TextEncoder().encode(big.slice(i * 11_000, (i + 1) * 11_000)));
        controller.close();
      },
    });
    const streamed = await fetch(`${base}/api/activity`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it("Koa's HttpErrors keep their status in the problem document", async () => {
    const app = new Koa();
    app.use(problemMiddleware(createLogger('gateway', { level: 'fatal' })));
    app.use((ctx) => {
      if (ctx.path === '/teapot') ctx.throw(418, 'short and stout');
      ctx.throw(413, 'too big for koa');
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const teapot = await fetch(`${base}/teapot`);
      expect(teapot.status).toBe(418);
      expect(await problemOf(teapot)).toMatchObject({ status: 418, detail: 'short and stout' });
      const large = await fetch(`${base}/x`);
      expect(large.status).toBe(413);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('shutdown', () => {
  it('ends open event streams, so the HTTP server closes at once', async () => {
    const instance = await startGateway();
    running.splice(running.indexOf(instance), 1);
    const orderId = await placeOrder(instance.base);
    const stream = await openStream(`${instance.base}/api/orders/${orderId}/events`, bearer(USER));
    const ended = (async () => {
      const reader = stream.response.body!.getReader();
      while (!(await reader.read()).done);
    })();
    let closed = false;
    instance.server.close(() => (closed = true));
    instance.streams.endAll();
    await waitFor(() => closed, {
      timeoutMs: DEADLINE_MS,
      message: 'server.close() to complete with a stream open',
    });
    await ended;
    await instance.close().catch(() => undefined);
  });
});
