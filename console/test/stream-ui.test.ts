// The live stream (SSE), health, the admin check, and the UI's static files with the SPA fallback.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@webstore/testkit';
import { logsBody, orderTrace } from './api-fixture.js';
import { closeTestConsoles, postOtlp, startTestConsole, type TestConsole } from './helpers.js';

let c: TestConsole;
let uiDir: string;
const JSON_TYPE = { 'content-type': 'application/json' };
const NOW = Date.now();
const traceId = orderTrace(1, NOW).traceId;

beforeAll(async () => {
  uiDir = mkdtempSync(join(tmpdir(), 'console-ui-'));
  mkdirSync(join(uiDir, 'assets'));
  writeFileSync(
    join(uiDir, 'index.html'),
    '<!doctype html><title>console app</title><div id="app"></div>',
  );
  writeFileSync(join(uiDir, 'assets', 'index-abc123.js'), 'console.log("app")');
  c = await startTestConsole({ CONSOLE_UI_DIR: uiDir });
});
afterAll(async () => {
  await closeTestConsoles();
  rmSync(uiDir, { recursive: true, force: true });
});

describe('GET /api/stream', () => {
  /** Reads SSE events until `until` says enough. */
  async function readEvents(
    query: string,
    act: () => Promise<void>,
    until: (events: { event: string; data: unknown }[]) => boolean,
  ) {
    const controller = new AbortController();
    const response = await fetch(`${c.url}/api/stream?${query}`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    const events: { event: string; data: unknown }[] = [];
    let buffer = '';
    let comments = 0;
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += new TextDecoder().decode(value);
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) comments += 1;
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    })().catch(() => undefined);
    await waitFor(() => comments > 0, { message: 'the stream opened' });
    await act();
    await waitFor(() => until(events), {
      timeoutMs: 10_000,
      message: `stream events for ${query}; got ${JSON.stringify(events)}`,
    });
    controller.abort();
    await pump;
    return events;
  }

  it('sends a summary when a trace gets spans (coalesced) and each new log, filtered', async () => {
    const t = orderTrace(200, NOW);
    const events = await readEvents(
      'service=inventory',
      async () => {
        await postOtlp(c, 'traces', t.body, JSON_TYPE);
        await postOtlp(
          c,
          'logs',
          logsBody(t.traceId, NOW, [
            { body: 'for inventory', severity: 9 },
            { body: 'for payment', severity: 9, service: 'payment' },
          ]),
          JSON_TYPE,
        );
      },
      (e) => e.some((x) => x.event === 'trace') && e.some((x) => x.event === 'log'),
    );
    expect(
      events.filter((e) => e.event === 'trace').map((e) => (e.data as { traceId: string }).traceId),
    ).toEqual([t.traceId]);
    expect(
      events.filter((e) => e.event === 'log').map((e) => (e.data as { body: string }).body),
    ).toEqual(['for inventory']);
  });

  it('ends every stream when the console shuts down', async () => {
    const other = await startTestConsole();
    const response = await fetch(`${other.url}/api/stream?types=log`);
    const text = response.text();
    await waitFor(() => other.stream.clients() === 1, { message: 'one stream client' });
    await other.close();
    expect(await text).toMatch(/^: connected/);
  });

  it('rejects unknown event types', async () => {
    expect((await c.get('/api/stream?types=metric')).status).toBe(400);
  });
});

describe('health, admin and the UI', () => {
  it('answers health and readiness', async () => {
    expect((await c.get('/healthz')).body).toEqual({ status: 'ok', service: 'console' });
    expect((await c.get('/readyz')).body).toEqual({ status: 'ready', service: 'console' });
  });

  it('asks for the admin token on what changes state', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${c.url}/api/admin/retention`, { method: 'POST', headers });
    expect((await post({})).status).toBe(401);
    expect((await post({ authorization: 'Bearer user-token-123' })).status).toBe(403);
    const ok = await post({ authorization: 'Bearer admin-token-456' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ traces: 0, usedBytes: expect.any(Number) });
  });

  it('serves the built UI, falls back to index.html for app routes, and 404s missing assets and API paths', async () => {
    const index = await fetch(`${c.url}/`);
    expect([index.status, index.headers.get('cache-control'), await index.text()]).toEqual([
      200,
      'no-cache',
      expect.stringContaining('console app'),
    ]);
    const deep = await fetch(`${c.url}/traces/${traceId}`);
    expect([deep.status, deep.headers.get('content-type'), await deep.text()]).toEqual([
      200,
      'text/html; charset=utf-8',
      expect.stringContaining('console app'),
    ]);
    const asset = await fetch(`${c.url}/assets/index-abc123.js`);
    expect([asset.status, asset.headers.get('cache-control')]).toEqual([
      200,
      'max-age=31536000,immutable',
    ]);
    expect((await fetch(`${c.url}/assets/index-old999.js`)).status).toBe(404);
    expect((await fetch(`${c.url}/../../etc/passwd`)).status).not.toBe(500);
    const api = await c.get<{ status: number }>('/api/nothing-here');
    expect([api.status, api.type]).toEqual([404, 'application/problem+json']);
  });

  it('says how to build the UI when it is not built', async () => {
    const bare = await startTestConsole({ CONSOLE_UI_DIR: join(uiDir, 'missing') });
    const r = await bare.get<string>('/traces/abc');
    expect([r.status, r.body]).toEqual([200, expect.stringContaining('npm run build')]);
  });
});
