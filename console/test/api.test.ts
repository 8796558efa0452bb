// The console's JSON API over a real store: trace list filters and paging, one trace, logs,
// services and the service map.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kv, logsBody, ns, orderTrace } from './api-fixture.js';
import { closeTestConsoles, postOtlp, startTestConsole, type TestConsole } from './helpers.js';

let c: TestConsole;
const JSON_TYPE = { 'content-type': 'application/json' };
const NOW = Date.now();
const traces: { traceId: string }[] = [];
beforeAll(async () => {
  c = await startTestConsole();
  for (let n = 1; n <= 12; n++) {
    const t = orderTrace(n, NOW - 60_000 + n * 1000, {
      country: n % 3 === 0 ? 'BR' : 'US',
      synthetic: n % 2 === 0,
      error: n === 5,
    });
    traces.push(t);
    expect((await postOtlp(c, 'traces', t.body, JSON_TYPE)).status).toBe(200);
  }
  const body = logsBody(traces[4]!.traceId, NOW - 50_000, [
    { body: 'stock reserved for ord-5', severity: 9 },
    { body: 'payment declined: card_declined', severity: 17, service: 'payment' },
    { body: '50% off (literally)', severity: 13 },
  ]);
  expect((await postOtlp(c, 'logs', body, JSON_TYPE)).status).toBe(200);
});
afterAll(closeTestConsoles);

interface Summary {
  traceId: string;
  rootService: string;
  rootName: string;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  services: string[];
  topics: string[];
  orderId?: string;
  country?: string;
  synthetic: boolean;
  incomplete: boolean;
}
const list = async (query: string) =>
  (await c.get<{ traces: Summary[]; next: string | null }>(`/api/traces?${query}`)).body;

describe('GET /api/traces', () => {
  it('lists traces newest first with their summary', async () => {
    const { traces: page } = await list('limit=3');
    expect(page.map((t) => t.orderId)).toEqual(['ord-12', 'ord-11', 'ord-10']);
    expect(page[0]).toEqual({
      traceId: traces[11]!.traceId,
      rootService: 'gateway',
      rootName: 'POST /api/orders',
      startTime: new Date(NOW - 60_000 + 12_000).toISOString(),
      startTimeUnixNano: ns(NOW - 60_000 + 12_000),
      durationMs: 37,
      spanCount: 3,
      errorCount: 0,
      services: ['gateway', 'inventory'],
      topics: ['webstore.orders.v1'],
      orderId: 'ord-12',
      country: 'BR',
      synthetic: true,
      replay: false,
      incomplete: false,
    });
  });

  it('pages with next', async () => {
    const first = await list('limit=5');
    const second = await list(`limit=5&before=${first.next}`);
    const third = await list(`limit=5&before=${second.next}`);
    expect([...first.traces, ...second.traces, ...third.traces].map((t) => t.orderId)).toEqual(
      Array.from({ length: 12 }, (_, i) => `ord-${12 - i}`),
    );
    expect(third.next).toBeNull();
  });

  it.each([
    ['status=error', ['ord-5']],
    ['country=BR', ['ord-12', 'ord-9', 'ord-6', 'ord-3']],
    ['synthetic=false&country=BR', ['ord-9', 'ord-3']],
    ['orderId=ord-7', ['ord-7']],
    ['minDurationMs=35', ['ord-12', 'ord-11', 'ord-10']],
    ['maxDurationMs=30', ['ord-5', 'ord-4', 'ord-3', 'ord-2', 'ord-1']],
    [`service=inventory&limit=2`, ['ord-12', 'ord-11']],
    ['name=nothing-is-called-this', []],
    ['topic=webstore.payments.v1', []],
    [`from=${NOW - 60_000 + 10_500}&to=${NOW - 60_000 + 11_500}`, ['ord-11']],
    ['status=ok&limit=1', ['ord-12']],
  ])('filters: %s', async (query, expected) => {
    expect((await list(query)).traces.map((t) => t.orderId)).toEqual(expected);
  });

  it('marks a trace whose parent spans have not arrived as incomplete', async () => {
    const orphan = orderTrace(99, NOW);
    const parsed = JSON.parse(orphan.body);
    parsed.resourceSpans.shift(); // the gateway's spans never arrive
    await postOtlp(c, 'traces', JSON.stringify(parsed), JSON_TYPE);
    const [summary] = (await list('limit=1')).traces;
    expect(summary).toMatchObject({
      traceId: orphan.traceId,
      rootService: 'inventory',
      incomplete: true,
      spanCount: 1,
    });
  });

  it('rejects bad parameters naming them', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['status=broken', 'status'],
      ['synthetic=yes', 'synthetic'],
      ['minDurationMs=-1', 'minDurationMs'],
      ['before=garbage', 'before'],
      ['from=last-tuesday', 'from'],
    ]) {
      const r = await c.get<{ field: string }>(`/api/traces?${query}`);
      expect([query, r.status, r.type, r.body.field]).toEqual([
        query,
        400,
        'application/problem+json',
        field,
      ]);
    }
  });
});

describe('GET /api/traces/:traceId', () => {
  it('is 404 for an unknown trace and 400 for a malformed id', async () => {
    const unknown = await c.get<{ status: number; detail: string }>(
      `/api/traces/${'f'.repeat(32)}`,
    );
    expect([unknown.status, unknown.type]).toEqual([404, 'application/problem+json']);
    const bad = await c.get<{ field: string }>('/api/traces/not-a-trace-id');
    expect([bad.status, bad.body.field]).toEqual([400, 'traceId']);
    expect((await c.get(`/api/traces/${'0'.repeat(32)}/linked`)).status).toBe(400);
  });

  it('groups a trace by resource and scope', async () => {
    const r = await c.get<{
      resourceSpans: {
        resource: { attributes: unknown[] };
        scopeSpans: { scope: { name: string }; spans: { name: string }[] }[];
      }[];
    }>(`/api/traces/${traces[0]!.traceId}`);
    expect(
      r.body.resourceSpans.map((rs) => [
        rs.resource.attributes,
        rs.scopeSpans.map((ss) => [ss.scope.name, ss.spans.map((s) => s.name)]),
      ]),
    ).toEqual([
      [[kv('service.name', 'gateway')], [['koa', ['POST /api/orders', 'send webstore.orders.v1']]]],
      [[kv('service.name', 'inventory')], [['kafkajs', ['process webstore.orders.v1']]]],
    ]);
  });
});

describe('GET /api/logs', () => {
  const logs = async (query: string) =>
    (
      await c.get<{
        logs: { body: string; service: string; severityNumber: number; traceId: string }[];
        next: string | null;
      }>(`/api/logs?${query}`)
    ).body;

  it('finds a trace’s logs, newest first, and filters by severity, service and text', async () => {
    const traceId = traces[4]!.traceId;
    expect((await logs(`traceId=${traceId}`)).logs.map((l) => l.body)).toEqual([
      '50% off (literally)',
      'payment declined: card_declined',
      'stock reserved for ord-5',
    ]);
    expect((await logs('severity=warn')).logs.map((l) => l.severityNumber)).toEqual([13, 17]);
    expect((await logs('severity=error&service=payment')).logs.map((l) => l.service)).toEqual([
      'payment',
    ]);
    expect((await logs('q=DECLINED')).logs.map((l) => l.body)).toEqual([
      'payment declined: card_declined',
    ]);
    expect((await logs('q=50%25')).logs.map((l) => l.body)).toEqual(['50% off (literally)']);
    expect((await logs('q=orderId')).logs).toHaveLength(3);
    const first = await logs('limit=2');
    expect((await logs(`limit=2&before=${first.next}`)).logs.map((l) => l.body)).toEqual([
      'stock reserved for ord-5',
    ]);
  });

  it('rejects bad parameters naming them', async () => {
    for (const [query, field] of [
      ['severity=loud', 'severity'],
      ['traceId=xyz', 'traceId'],
      ['spanId=123', 'spanId'],
      ['limit=100000', 'limit'],
    ]) {
      const r = await c.get<{ field: string }>(`/api/logs?${query}`);
      expect([query, r.status, r.body.field]).toEqual([query, 400, field]);
    }
  });
});

describe('services and the service map', () => {
  it('lists the services seen with their counts', async () => {
    const r = await c.get<{
      services: { name: string; spanCount: number; logCount: number; lastSeen: string }[];
    }>('/api/services');
    expect(r.body.services.map((s) => [s.name, s.spanCount, s.logCount])).toEqual([
      ['gateway', 24, 0],
      ['inventory', 13, 2],
      ['payment', 0, 1],
    ]);
  });

  it('draws produce and consume edges with rate, error share and p95', async () => {
    const r = await c.get<{
      nodes: unknown[];
      edges: {
        source: string;
        target: string;
        kind: string;
        group?: string;
        count: number;
        errorShare: number;
        p95Ms: number;
        ratePerSec: number;
      }[];
    }>(`/api/service-map?from=${NOW - 120_000}&to=${NOW}`);
    expect(r.body.nodes).toEqual([
      { id: 'gateway', kind: 'service' },
      { id: 'inventory', kind: 'service' },
      { id: 'webstore.orders.v1', kind: 'topic' },
    ]);
    const produce = r.body.edges.find((e) => e.kind === 'produce')!;
    const consume = r.body.edges.find((e) => e.kind === 'consume')!;
    expect(produce).toMatchObject({
      source: 'gateway',
      target: 'webstore.orders.v1',
      count: 12,
      errorShare: 0,
      p95Ms: 5,
    });
    expect(consume).toMatchObject({
      source: 'webstore.orders.v1',
      target: 'inventory',
      group: 'inventory',
      count: 12,
      errorShare: 1 / 12,
      p95Ms: 5 + 12,
    });
    expect(consume.ratePerSec).toBeCloseTo(12 / 120);
    expect((await c.get('/api/service-map?from=now&to=-1h')).status).toBe(400);
  });
});
