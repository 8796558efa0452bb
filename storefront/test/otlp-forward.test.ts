// @vitest-environment node
// The store server's browser-telemetry door, as a real process in front of a stand-in OTLP/HTTP
// receiver: what it forwards, and each way it refuses (415, 413, 429, 400, 502), plus the start-up
// check that names a bad variable. No stack, no browser: it runs in about a second.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, spawnService, type SpawnedService } from '@webstore/testkit';

const SERVER = fileURLToPath(new URL('../server/server.js', import.meta.url));
const received: { type: string | undefined; body: string }[] = [];
let receiver: Server;
let receiverUrl: string;
let store: SpawnedService;
let base: string;

const exportOf = (service: string) =>
  JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ spans: [] }],
      },
    ],
  });
const post = (body: string, type = 'application/json') =>
  fetch(`${base}/otlp/v1/traces`, { method: 'POST', headers: { 'content-type': type }, body });

async function startStore(env: Record<string, string>) {
  const port = await freePort();
  const service = await spawnService({
    command: process.execPath,
    args: [SERVER],
    env: { PORT: String(port), GATEWAY_URL: 'http://127.0.0.1:9', ...env },
    readyLine: /storefront listening/,
  });
  return { service, base: `http://127.0.0.1:${port}` };
}

beforeAll(async () => {
  receiver = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ type: req.headers['content-type'], body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"partialSuccess":{}}');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  ({ service: store, base } = await startStore({
    BROWSER_OTLP_ENDPOINT: receiverUrl,
    BROWSER_OTLP_MAX_BYTES: '2048',
    BROWSER_OTLP_RATE_LIMIT: '5',
  }));
});

afterAll(async () => {
  await store?.stop();
  receiver?.close();
});

describe('POST /otlp/v1/traces', () => {
  it('forwards a storefront-web export to the receiver and answers with its answer', async () => {
    const config = await (await fetch(`${base}/config.json`)).json();
    expect(config).toMatchObject({ telemetry: true });
    const res = await post(exportOf('storefront-web'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ partialSuccess: {} });
    expect(received.at(-1)).toEqual({ type: 'application/json', body: exportOf('storefront-web') });
  });

  it('refuses what is not the browser’s OTLP/JSON: wrong type, too big, another service', async () => {
    const count = received.length;
    const wrongType = await post(exportOf('storefront-web'), 'application/x-protobuf');
    expect([wrongType.status, (await wrongType.json()).message]).toEqual([
      415,
      'Content-Type must be application/json, got "application/x-protobuf"',
    ]);
    const big = await post(JSON.stringify({ resourceSpans: [], pad: 'x'.repeat(4096) }));
    expect([big.status, (await big.json()).message]).toEqual([
      413,
      'the body is over the 2048-byte limit',
    ]);
    const posing = await post(exportOf('gateway'));
    expect([posing.status, (await posing.json()).message]).toEqual([
      400,
      'only storefront-web spans are accepted here, got "gateway"',
    ]);
    expect(received.length, 'nothing refused reached the receiver').toBe(count);
  });

  it('rate-limits one address, with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await post(exportOf('storefront-web'))).status);
    expect(statuses).toContain(429);
    const limited = await post(exportOf('storefront-web'));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('says so when the receiver is down (502), and is off without an endpoint (404)', async () => {
    const dead = await startStore({
      BROWSER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
    });
    const off = await startStore({});
    try {
      const res = await fetch(`${dead.base}/otlp/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: exportOf('storefront-web'),
      });
      expect(res.status).toBe(502);
      expect((await res.json()).message).toMatch(
        /telemetry receiver at http:\/\/127\.0\.0\.1:\d+ is not answering/,
      );
      expect(await (await fetch(`${off.base}/config.json`)).json()).toMatchObject({
        telemetry: false,
      });
      expect((await fetch(`${off.base}/otlp/v1/traces`, { method: 'POST' })).status).toBe(404);
    } finally {
      await dead.service.stop();
      await off.service.stop();
    }
  });

  it('will not start with a bad setting, and names the variable', async () => {
    await expect(startStore({ BROWSER_OTLP_RATE_LIMIT: 'lots' })).rejects.toThrow(
      /BROWSER_OTLP_RATE_LIMIT must be an integer from 1 to 100000, got "lots"/,
    );
    await expect(startStore({ BROWSER_OTLP_ENDPOINT: 'collector:4318' })).rejects.toThrow(
      /BROWSER_OTLP_ENDPOINT must be an http\(s\) URL, got "collector:4318"/,
    );
  });
});
