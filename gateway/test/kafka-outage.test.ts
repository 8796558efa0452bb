// The gateway while Kafka is gone, with its real Kafka clients against a real broker that is
// stopped and started again on the same port and data: checkouts and activity answer 503 with
// Retry-After within 5 s, /readyz names the failing check, and both recover by themselves.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroker, type Broker } from '@webstore/embedded-kafka';
import { createLogger } from '@webstore/observability/logger';
import { createMetrics } from '@webstore/observability/metrics';
import { waitFor } from '@webstore/testkit';
import { openStore } from '@webstore/consumer-runtime/store';
import { createApp, idempotencyKeys, loadConfig, OrderProjection } from '../src/app.js';
import { createGatewayKafka, type GatewayKafka } from '../src/kafka.js';

let broker: Broker;
let dataDir: string;
let gateway: GatewayKafka;
let server: Server;
let base: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gateway-outage-'));
  broker = await createBroker({ port: 0, defaultPartitions: 3, dataDir });
  const config = loadConfig({ KAFKA_BROKERS: broker.bootstrap, PUBLISH_TIMEOUT_MS: '3000' });
  const log = createLogger('gateway', { level: 'fatal' });
  gateway = createGatewayKafka(config, log);
  await gateway.producer.connect();
  gateway.health.start();
  const store = openStore();
  const app = createApp({
    config,
    publisher: gateway.publisher,
    projection: new OrderProjection(store),
    keys: idempotencyKeys(store),
    metrics: createMetrics(),
    log,
    readiness: {
      kafka: () => gateway.health.up,
      kafkaDetail: () => gateway.health.reason,
      projectionCaughtUp: () => true,
      retryAfterSeconds: gateway.health.retryAfterSeconds,
    },
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server?.close();
  await gateway?.health.stop();
  await gateway?.producer.disconnect();
  await broker?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function checkout() {
  const started = Date.now();
  const response = await fetch(`${base}/api/orders`, {
    method: 'POST',
    headers: { authorization: 'Bearer user-token-123', 'content-type': 'application/json' },
    body: JSON.stringify({ items: [{ productId: 'sku-lamp', quantity: 1 }], country: 'US' }),
  });
  return {
    response,
    ms: Date.now() - started,
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function activity() {
  const response = await fetch(`${base}/api/activity`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'browse_catalog', sessionId: 'sess-1', country: 'US' }),
  });
  return { response, body: await response.json() };
}

const readyz = async () => {
  const response = await fetch(`${base}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('Kafka unreachable', () => {
  it('answers 503 with Retry-After within 5 s, reports not ready, and recovers by itself', async () => {
    expect((await checkout()).response.status).toBe(202);
    expect((await readyz()).status).toBe(200);

    const port = broker.port;
    await broker.stop();
    const stoppedAt = Date.now();
    // The very first checkout after the broker went away, before any probe noticed.
    const first = await checkout();
    expect(first.response.status).toBe(503);
    expect(first.ms).toBeLessThanOrEqual(5_000);
    expect(first.response.headers.get('content-type')).toBe('application/problem+json');
    expect(Number(first.response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(first.body).toMatchObject({ status: 503, title: 'Service unavailable' });

    const notReady = await waitFor(
      async () => {
        const r = await readyz();
        return r.status === 503 ? r : undefined;
      },
      { timeoutMs: 5_000, message: '/readyz to answer 503 while Kafka is down' },
    );
    expect(Date.now() - stoppedAt).toBeLessThanOrEqual(5_000);
    expect(notReady.body).toMatchObject({ checks: { kafka: false }, failing: ['kafka'] });
    expect(String((notReady.body.details as Record<string, string>).kafka)).toMatch(
      /ECONNREFUSED|Connection/,
    );

    // Known down: refused at once, nothing sent.
    const refused = await checkout();
    expect(refused.response.status).toBe(503);
    expect(refused.ms).toBeLessThan(1_000);
    expect(refused.body.detail).toMatch(/nothing was written/);
    const events = await activity();
    expect(events.response.status).toBe(503);
    expect(events.response.headers.get('retry-after')).not.toBeNull();

    broker = await createBroker({ port, defaultPartitions: 3, dataDir });
    await waitFor(async () => (await readyz()).status === 200, {
      timeoutMs: 15_000,
      message: '/readyz to answer 200 once Kafka is back',
    });
    await waitFor(async () => (await checkout()).response.status === 202, {
      timeoutMs: 15_000,
      message: 'a checkout to be accepted once Kafka is back',
    });
    expect((await activity()).response.status).toBe(202);
  });
});
