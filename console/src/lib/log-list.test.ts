import { describe, expect, it } from 'vitest';
import type { LogEntry } from './api.js';
import { mergeLogs } from './log-list.js';

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
