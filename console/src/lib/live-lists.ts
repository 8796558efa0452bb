// The live lists of the console's views: a page fetched from the API and what the live stream
// delivers meanwhile. The query behind a page runs before the response arrives, so what streamed
// in during that time is not in it: a fetched page is merged into what is shown, never put in its
// place (which dropped a trace's logs that had just arrived).
import type { LogEntry, TraceSummary } from './api.js';

/** Oldest first: by the record's own time, then by the order the console received it. */
export function compareLogs(a: LogEntry, b: LogEntry): number {
  const d = BigInt(a.timeUnixNano) - BigInt(b.timeUnixNano);
  if (d !== 0n) return d < 0n ? -1 : 1;
  return a.id - b.id;
}

/** The union of two lists by id, in time order (`newestFirst` for the log view's order). */
export function mergeLogs(
  shown: readonly LogEntry[],
  fetched: readonly LogEntry[],
  order: 'oldestFirst' | 'newestFirst' = 'oldestFirst',
): LogEntry[] {
  const byId = new Map<number, LogEntry>();
  for (const l of fetched) byId.set(l.id, l);
  for (const l of shown) byId.set(l.id, l);
  const merged = [...byId.values()].sort(compareLogs);
  return order === 'newestFirst' ? merged.reverse() : merged;
}

/**
 * The union of two lists of trace summaries, newest first, at most `max`. A trace in both keeps
 * the summary with more spans (a summary only grows as its spans arrive).
 */
export function mergeTraces(
  shown: readonly TraceSummary[],
  fetched: readonly TraceSummary[],
  max: number,
): TraceSummary[] {
  const byId = new Map<string, TraceSummary>();
  for (const t of [...fetched, ...shown]) {
    const known = byId.get(t.traceId);
    if (!known || t.spanCount >= known.spanCount) byId.set(t.traceId, t);
  }
  return [...byId.values()]
    .sort((a, b) => {
      const d = BigInt(b.startTimeUnixNano) - BigInt(a.startTimeUnixNano);
      return d === 0n ? 0 : d > 0n ? 1 : -1;
    })
    .slice(0, max);
}
