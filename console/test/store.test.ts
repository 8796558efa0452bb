// The SQLite store on disk: batched commits, retention by age and by size (also while running),
// and the query plans the API depends on.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '@webstore/testkit';
import { decodeLogs, decodeMetrics, decodeTraces } from '../server/otlp/decode.js';
import { createLogQueries } from '../server/store/logs.js';
import { createRetention } from '../server/store/retention.js';
import { fileBytes, openDatabase, usedBytes, type Db } from '../server/store/schema.js';
import { createTraceQueries } from '../server/store/traces.js';
import { createWriter, OverloadedError } from '../server/store/writer.js';
import { closeTestConsoles, postOtlp, startTestConsole } from './helpers.js';

const dirs: string[] = [];
afterAll(async () => {
  await closeTestConsoles();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function freshDb(): Db {
  const dir = mkdtempSync(join(tmpdir(), 'console-store-'));
  dirs.push(dir);
  return openDatabase({ dataDir: dir });
}

const hex = (n: number, bytes: number) => n.toString(16).padStart(bytes * 2, '0');
const resource = (service: string) => ({
  attributes: [{ key: 'service.name', value: { stringValue: service } }],
});

/** `count` traces of `spansPer` spans each, starting at `startMs`, one millisecond apart. */
export function traceRequest(
  first: number,
  count: number,
  startMs: number,
  spansPer = 3,
  padding = 0,
) {
  const spans = [];
  for (let t = 0; t < count; t++) {
    const traceId = hex(first + t + 1, 16);
    const start = BigInt(startMs + t) * 1_000_000n;
    for (let s = 0; s < spansPer; s++)
      spans.push({
        traceId,
        spanId: hex((first + t + 1) * 16 + s, 8),
        ...(s > 0 ? { parentSpanId: hex((first + t + 1) * 16, 8) } : {}),
        name: s === 0 ? 'POST /api/orders' : `send topic-${s}`,
        kind: s === 0 ? 2 : 4,
        startTimeUnixNano: String(start + BigInt(s)),
        endTimeUnixNano: String(start + 5_000_000n),
        attributes: [
          { key: 'order.id', value: { stringValue: `ord-${first + t}` } },
          { key: 'padding', value: { stringValue: 'x'.repeat(padding) } },
          ...(s > 0
            ? [{ key: 'messaging.destination.name', value: { stringValue: `topic-${s}` } }]
            : []),
        ],
        links: s === 2 ? [{ traceId: hex(999_999, 16), spanId: hex(999_999, 8) }] : [],
        status: { code: t % 10 === 0 && s === 1 ? 2 : 0 },
      });
  }
  return {
    resourceSpans: [
      { resource: resource('store-test'), scopeSpans: [{ scope: { name: 's' }, spans }] },
    ],
  };
}

function logRequest(count: number, startMs: number, traceId = hex(1, 16)) {
  return {
    resourceLogs: [
      {
        resource: resource('store-test'),
        scopeLogs: [
          {
            scope: { name: 'bunyan' },
            logRecords: Array.from({ length: count }, (_, i) => ({
              timeUnixNano: String(BigInt(startMs + i) * 1_000_000n),
              severityNumber: i % 2 ? 9 : 17,
              severityText: i % 2 ? 'info' : 'error',
              body: { stringValue: `line ${i}` },
              traceId,
            })),
          },
        ],
      },
    ],
  };
}

function pointRequest(count: number, startMs: number) {
  return {
    resourceMetrics: [
      {
        resource: resource('store-test'),
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'store_test_counter',
                sum: {
                  isMonotonic: true,
                  aggregationTemporality: 2,
                  dataPoints: Array.from({ length: count }, (_, i) => ({
                    startTimeUnixNano: String(BigInt(startMs) * 1_000_000n),
                    timeUnixNano: String(BigInt(startMs + i * 1000) * 1_000_000n),
                    asInt: String(i),
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

const count = (db: Db, table: string) =>
  db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('batched writes', () => {
  it('commits many small exports in few transactions, and acknowledges only what is committed', async () => {
    const db = freshDb();
    const writer = createWriter(db, { flushIntervalMs: 20 });
    let commits = 0;
    writer.onCommit(() => void (commits += 1));
    const writes = Array.from({ length: 50 }, (_, i) =>
      writer.write(decodeTraces(traceRequest(i, 1, Date.now())).records, [], []),
    );
    expect(count(db, 'spans')).toBe(0);
    await Promise.all(writes);
    expect(count(db, 'spans')).toBe(150);
    expect(count(db, 'traces')).toBe(50);
    expect(commits).toBe(1);
  });

  it('flushes at once when a batch fills up, before the timer', async () => {
    const db = freshDb();
    const writer = createWriter(db, { flushIntervalMs: 60_000, batchRows: 100 });
    const started = Date.now();
    await writer.write(decodeTraces(traceRequest(0, 40, Date.now())).records, [], []);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(count(db, 'spans')).toBe(120);
  });

  it('refuses data past its high-water mark instead of growing, and the receiver says retry later', async () => {
    const db = freshDb();
    const writer = createWriter(db, { flushIntervalMs: 60_000, maxPendingRows: 10 });
    const pending = writer.write(decodeTraces(traceRequest(0, 3, Date.now())).records, [], []);
    await expect(
      writer.write(decodeTraces(traceRequest(10, 1, Date.now())).records, [], []),
    ).rejects.toBeInstanceOf(OverloadedError);
    writer.flush();
    await pending;

    const c = await startTestConsole(
      {},
      { writer: { flushIntervalMs: 60_000, maxPendingRows: 5 } },
    );
    const first = postOtlp(c, 'traces', JSON.stringify(traceRequest(0, 1, Date.now())), {
      'content-type': 'application/json',
    });
    await waitFor(() => c.writer.pendingRows() === 3, { message: 'the first export queued' });
    const refused = await postOtlp(c, 'traces', JSON.stringify(traceRequest(1, 1, Date.now())), {
      'content-type': 'application/json',
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    c.writer.flush();
    expect((await first).status).toBe(200);
  });
});

describe('retention', () => {
  it('deletes telemetry older than the retention age, whole traces at a time', () => {
    const db = freshDb();
    const writer = createWriter(db);
    const now = Date.now();
    const hourAgo = now - 3_600_000;
    writer.write(
      decodeTraces(traceRequest(0, 20, hourAgo - 60_000)).records,
      decodeLogs(logRequest(30, hourAgo - 60_000)).records,
      decodeMetrics(pointRequest(10, hourAgo - 60_000)).records,
    );
    writer.write(
      decodeTraces(traceRequest(100, 5, now - 1_000)).records,
      decodeLogs(logRequest(7, now - 1_000)).records,
      decodeMetrics(pointRequest(3, now - 5_000)).records,
    );
    writer.flush();
    expect(count(db, 'span_links')).toBe(25);
    const report = createRetention(db, { retentionMs: 3_600_000, maxBytes: 1024 ** 3 }).enforce();
    expect(report).toMatchObject({ traces: 20, logs: 30, points: 10 });
    expect([
      count(db, 'traces'),
      count(db, 'spans'),
      count(db, 'span_links'),
      count(db, 'logs'),
      count(db, 'points'),
    ]).toEqual([5, 15, 5, 7, 3]);
    expect(createTraceQueries(db).trace(hex(101, 16))).toBeDefined();
    expect(createTraceQueries(db).trace(hex(1, 16))).toBeUndefined();
  });

  it('keeps the database under its size limit by deleting the oldest data, and gives the space back', () => {
    const db = freshDb();
    const writer = createWriter(db);
    const start = Date.now() - 600_000;
    for (let batch = 0; batch < 40; batch++)
      writer.write(
        decodeTraces(traceRequest(batch * 50, 50, start + batch * 1000, 3, 400)).records,
        [],
        [],
      );
    writer.flush();
    const before = fileBytes(db);
    expect(before).toBeGreaterThan(6 * 1024 * 1024);
    const maxBytes = 2 * 1024 * 1024;
    const report = createRetention(db, { retentionMs: 3_600_000, maxBytes }).enforce();
    expect(report.usedBytes).toBeLessThanOrEqual(maxBytes);
    expect(fileBytes(db)).toBeLessThanOrEqual(maxBytes * 1.1);
    const traces = createTraceQueries(db);
    expect(traces.trace(hex(1999 + 1, 16)), 'the newest trace is kept').toBeDefined();
    expect(traces.trace(hex(1, 16)), 'the oldest trace is gone').toBeUndefined();
    expect(count(db, 'spans')).toBe(count(db, 'traces') * 3);
  });

  it('is enforced while the console runs', async () => {
    const c = await startTestConsole(
      { CONSOLE_MAX_BYTES: '1MiB', CONSOLE_RETENTION: '10m' },
      { retentionIntervalMs: 100 },
    );
    const json = { 'content-type': 'application/json' };
    // Old enough to be past the retention age the moment it arrives.
    const old = await postOtlp(
      c,
      'traces',
      JSON.stringify(traceRequest(0, 10, Date.now() - 20 * 60_000)),
      json,
    );
    expect(old.status).toBe(200);
    for (let batch = 1; batch <= 30; batch++)
      expect(
        (
          await postOtlp(
            c,
            'traces',
            JSON.stringify(traceRequest(batch * 50, 50, Date.now() - 60_000 + batch, 3, 300)),
            json,
          )
        ).status,
      ).toBe(200);
    await waitFor(
      () =>
        usedBytes(c.db) <= 1024 * 1024 && count(c.db, 'traces') < 1500 && count(c.db, 'traces') > 0,
      {
        timeoutMs: 20_000,
        message: `the running console trims itself under 1 MiB (now ${usedBytes(c.db)} bytes, ${count(c.db, 'traces')} traces)`,
      },
    );
    expect(
      c.db
        .prepare('SELECT count(*) FROM traces WHERE start_ns < ?')
        .pluck()
        .get(BigInt(Date.now() - 10 * 60_000) * 1_000_000n),
    ).toBe(0);
    expect(statSync(join(c.dataDir, 'console.db')).size).toBeLessThanOrEqual(1.2 * 1024 * 1024);
  });
});

describe('indexes', () => {
  const db = freshDb();
  const writer = createWriter(db);
  writer.write(
    decodeTraces(traceRequest(0, 50, Date.now())).records,
    decodeLogs(logRequest(50, Date.now())).records,
    decodeMetrics(pointRequest(5, Date.now())).records,
  );
  writer.flush();
  db.exec('ANALYZE');
  const traces = createTraceQueries(db);
  const logs = createLogQueries(db);
  const plan = (sql: string, ...params: unknown[]) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
      .map((r) => r.detail)
      .join('\n');

  it.each([
    ['newest first', {}, /SCAN t USING INDEX traces_time/],
    ['errors only', { status: 'error' as const }, /USING INDEX traces_error_time/],
    ['by order id', { orderId: 'ord-3' }, /SEARCH t USING INDEX traces_order/],
    ['by service', { service: 'store-test' }, /SEARCH s EXISTS USING INDEX spans_trace/],
    ['by topic', { topic: 'topic-1' }, /SEARCH s EXISTS USING INDEX spans_trace/],
    ['in a time window', { fromNs: 1n, toNs: 2n ** 62n }, /SEARCH t USING INDEX traces_time/],
  ])('the trace list %s uses an index', (_what, filter, expected) => {
    expect(traces.plan({ limit: 50, ...filter }).join('\n')).toMatch(expected);
  });

  it('trace, links, logs and metric points are read by index', () => {
    expect(plan('SELECT json FROM spans WHERE trace_id = ?', 'x')).toMatch(
      /SEARCH spans USING INDEX spans_trace/,
    );
    expect(plan('SELECT span_rowid FROM span_links WHERE linked_trace_id = ?', 'x')).toMatch(
      /USING INDEX span_links_target/,
    );
    expect(logs.plan({ limit: 10, traceId: hex(1, 16) }).join('\n')).toMatch(
      /USING INDEX logs_trace/,
    );
    expect(logs.plan({ limit: 10, service: 'store-test' }).join('\n')).toMatch(
      /USING INDEX logs_service_time/,
    );
    expect(logs.plan({ limit: 10 }).join('\n')).toMatch(/SCAN l USING INDEX logs_time/);
    expect(
      plan('SELECT * FROM points WHERE series_id = ? AND time_ns > ? AND time_ns <= ?', 1, 0, 1),
    ).toMatch(/USING INDEX points_series_time/);
    expect(
      plan('SELECT * FROM spans WHERE topic = ? AND partition = ? AND msg_offset = ?', 't', 0, '1'),
    ).toMatch(/USING INDEX spans_messaging/);
    expect(plan('SELECT * FROM spans WHERE consumer_group = ? AND start_ns > ?', 'g', 0)).toMatch(
      /USING INDEX spans_group_time/,
    );
    expect(plan('SELECT * FROM spans WHERE country = ? AND start_ns > ?', 'BR', 0)).toMatch(
      /USING INDEX spans_country_time/,
    );
    expect(plan('SELECT * FROM spans WHERE order_id = ?', 'ord-1')).toMatch(
      /USING INDEX spans_order/,
    );
  });
});
