// Hostile or careless clients against the real processes: the consumers' admin routes need the
// operator's token, credentials in stream URLs never reach exported spans or log files, the
// store's proxy lets go of the gateway's event stream when the browser does, and SIGTERM ends
// open streams so the gateway exits promptly.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, waitFor, type OtlpReceiver } from '@webstore/testkit';
import { startStack, type Stack } from '../src/stack.js';

const OPERATOR = 'operator-token-42';
const USER = 'user-token-123';
const DEADLINE_MS = 10_000;

let stack: Stack;
let receiver: OtlpReceiver;
let dataDir: string;
let orderId: string;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  dataDir = mkdtempSync(join(tmpdir(), 'webstore-clients-'));
  stack = await startStack({
    dataDir,
    otlpEndpoint: receiver.grpcEndpoint,
    storefront: true,
    env: {
      ADMIN_TOKEN: OPERATOR,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BLRP_SCHEDULE_DELAY: '200',
      LOG_LEVEL: 'debug',
    },
    serviceEnv: { gateway: { MAX_SSE_STREAMS: '1', ORDER_TIMEOUT_MS: '600000' } },
  });
  expect(stack.urls.storefront, 'the storefront is built (storefront/dist)').toBeDefined();
  // Without inventory the order stays pending, so its event stream stays open.
  await stack.stopService('inventory');
  const placed = await fetch(`${stack.urls.gateway}/api/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${USER}`, 'content-type': 'application/json' },
    body: JSON.stringify({ items: [{ productId: 'sku-lamp', quantity: 1 }], country: 'US' }),
  });
  expect(placed.status).toBe(202);
  ({ orderId } = (await placed.json()) as { orderId: string });
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function ticket(base: string): Promise<string> {
  const response = await fetch(`${base}/api/orders/${orderId}/ticket`, {
    method: 'POST',
    headers: { authorization: `Bearer ${USER}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { ticket: string }).ticket;
}

/** Opens an event stream; resolves once its headers arrived. */
async function openStream(url: string) {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal });
  return { response, close: () => abort.abort() };
}

/**
 * Opens an event stream at `base` (a fresh ticket each try) once the gateway admits it: the cap
 * is one stream, and a stream closed just before may not have been released yet.
 */
async function openAdmitted(base: string, what: string, query?: string) {
  let admitted: Awaited<ReturnType<typeof openStream>> | undefined;
  await waitFor(
    async () => {
      const stream = await openStream(
        `${base}/api/orders/${orderId}/events?${query ?? `ticket=${await ticket(base)}`}`,
      );
      if (stream.response.status === 200) admitted = stream;
      else stream.close();
      return admitted !== undefined;
    },
    { timeoutMs: DEADLINE_MS, message: what },
  );
  return admitted!;
}

describe('hostile or careless clients', () => {
  it("the consumers' /admin/* routes need the operator's admin token, which the gateway forwards", async () => {
    for (const service of ['payment', 'analytics'] as const) {
      const url = `${stack.urls[service]}/admin/faults`;
      expect((await fetch(url)).status, `${service} without a token`).toBe(401);
      const demo = await fetch(url, { headers: { authorization: 'Bearer admin-token-456' } });
      expect(demo.status, `${service} with the demo admin token`).toBe(403);
      expect(demo.headers.get('content-type')).toContain('application/problem+json');
      const put = await fetch(url, {
        method: 'PUT',
        headers: { authorization: `Bearer ${USER}` },
        body: '{"delayMs":1}',
      });
      expect(put.status, `${service} PUT with a customer token`).toBe(403);
      const ok = await fetch(url, { headers: { authorization: `Bearer ${OPERATOR}` } });
      expect(ok.status, `${service} with the operator's token`).toBe(200);
    }
    const forwarded = await fetch(`${stack.urls.gateway}/api/admin/faults`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' },
      body: JSON.stringify({ slowConsumer: { service: 'payment', delayMs: 0 } }),
    });
    expect(forwarded.status).toBe(200);

    const personas = await (await fetch(`${stack.urls.storefront}/api/personas`)).text();
    expect(personas).toContain(USER);
    expect(personas).not.toContain('admin-token-456');
    expect(personas).not.toContain(OPERATOR);
  });

  it('stream credentials in the query string reach neither exported spans nor log files', async () => {
    // One at a time: the gateway serves one stream (MAX_SSE_STREAMS=1).
    const secrets = [`token=${USER}`];
    for (const [base, what, query] of [
      [stack.urls.gateway, 'a stream with a ticket'],
      [stack.urls.storefront!, 'a stream with a ticket through the store'],
      [stack.urls.gateway, 'a stream with ?token=', `token=${USER}`],
    ] as const) {
      const stream = await openAdmitted(base, what, query);
      const ticketUsed = new URL(stream.response.url).searchParams.get('ticket');
      if (ticketUsed) secrets.push(ticketUsed);
      stream.close();
    }
    expect(secrets).toHaveLength(3);
    const streamSpans = () =>
      receiver
        .spans()
        .filter(
          (s) =>
            s.serviceName === 'gateway' &&
            s.kind === 'SERVER' &&
            JSON.stringify(s.attributes).includes('/events'),
        );
    await waitFor(() => streamSpans().length >= 3, {
      timeoutMs: 30_000,
      message: "the gateway's server spans of the streams (3 opened)",
    });
    const exported = JSON.stringify(
      { spans: receiver.spans(), logs: receiver.logRecords() },
      (_k, v) => (typeof v === 'bigint' ? String(v) : v),
    );
    expect(exported).toContain('[redacted]');
    for (const secret of secrets)
      expect(exported, 'an exported span or log record').not.toContain(secret);
    for (const name of ['gateway', 'storefront'] as const) {
      const log = readFileSync(stack.logFile(name), 'utf8');
      for (const secret of secrets) expect(log, `the ${name} log file`).not.toContain(secret);
    }
  });

  it("the store's proxy aborts the gateway's stream when the browser goes away", async () => {
    const browser = await openAdmitted(stack.urls.storefront!, 'the earlier streams to be closed');
    // The stream through the proxy holds the gateway's only slot.
    const refused = await fetch(
      `${stack.urls.gateway}/api/orders/${orderId}/events?ticket=${await ticket(stack.urls.gateway)}`,
    );
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    browser.close();
    const after = await openAdmitted(
      stack.urls.gateway,
      'the gateway to see the proxied stream close after the browser went away',
    );
    after.close();
  });

  it('SIGTERM ends open event streams, and the gateway exits promptly and cleanly', async () => {
    const stream = await openAdmitted(stack.urls.gateway, 'the earlier streams to be closed');
    const reader = stream.response.body!.getReader();
    const ended = (async () => {
      while (!(await reader.read()).done);
      return true;
    })().catch(() => true);
    const started = Date.now();
    const code = await stack.process('gateway')!.stop();
    const elapsed = Date.now() - started;
    expect(code, 'exit code (null = killed after the grace period)').toBe(0);
    expect(elapsed).toBeLessThan(8_000);
    expect(await ended).toBe(true);
  });
});
