// The log lists of the console's views: a page fetched from /api/logs and the records the live
// stream delivers meanwhile. The query behind a page runs before the response arrives, so records
// streamed in during that time are not in it: a fetched page is merged into what is shown by id,
// never put in its place (which dropped a trace's logs that had just arrived).
import type { LogEntry } from './api.js';

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
