import { describe, expect, it } from 'vitest';
import type { LogEntry, TraceSummary } from './api.js';
import { mergeLogs, mergeTraces } from './live-lists.js';

const log = (id: number, ns: bigint): LogEntry => ({
  id,
  time: new Date(Number(ns / 1_000_000n)).toISOString(),
  timeUnixNano: String(ns),
  severityNumber: 9,
  severityText: 'INFO',
  body: `log ${id}`,
  service: 'inventory',
  traceId: 't',
  spanId: null,
  attributes: {},
  resource: {},
});

describe('merging a fetched page into the streamed logs', () => {
  it('keeps what was streamed in while the page was fetched, once each, in time order', () => {
    const base = 1_764_000_000_000_000_000n;
    // Streamed while the request was answered: not in the page the query produced.
    const shown = [log(3, base + 3n), log(2, base + 2n)];
    const fetched = [log(2, base + 2n), log(1, base + 1n)];
    expect(mergeLogs(shown, fetched).map((l) => l.id)).toEqual([1, 2, 3]);
    expect(mergeLogs(shown, fetched, 'newestFirst').map((l) => l.id)).toEqual([3, 2, 1]);
  });

  it('orders records of the same instant by arrival, and compares times beyond 2^53 exactly', () => {
    const t = 1_764_000_000_123_456_789n;
    expect(mergeLogs([log(5, t + 1n)], [log(7, t), log(6, t)]).map((l) => l.id)).toEqual([6, 7, 5]);
  });
});

const summary = (traceId: string, startNs: bigint, spanCount: number): TraceSummary => ({
  traceId,
  rootService: 'gateway',
  rootName: 'POST /api/orders',
  startTime: new Date(Number(startNs / 1_000_000n)).toISOString(),
  startTimeUnixNano: String(startNs),
  durationMs: 1,
  spanCount,
  errorCount: 0,
  services: ['gateway'],
  topics: [],
  incomplete: spanCount < 10,
});

describe('merging a fetched page into the streamed traces', () => {
  it('keeps streamed traces, the fuller summary of each, newest first, up to the limit', () => {
    const t = 1_764_000_000_000_000_000n;
    const shown = [summary('c', t + 3n, 2), summary('b', t + 2n, 12)];
    const fetched = [summary('b', t + 2n, 5), summary('a', t + 1n, 12)];
    const merged = mergeTraces(shown, fetched, 10);
    expect(merged.map((s) => [s.traceId, s.spanCount])).toEqual([
      ['c', 2],
      ['b', 12],
      ['a', 12],
    ]);
    expect(mergeTraces(shown, fetched, 2).map((s) => s.traceId)).toEqual(['c', 'b']);
  });
});
