// Retention while running: telemetry older than the retention age is deleted, and while the
// database uses more than its size limit the oldest tenth of what is left goes too. Traces are
// deleted whole (summary, spans and links together), so no trace is left half there. Deletes run
// in bounded chunks, each its own transaction, so ingestion is never blocked for long.
import { usedBytes, type Db } from './schema.js';

export interface RetentionOptions {
  retentionMs: number;
  maxBytes: number;
  /** How often to enforce (default 30 s). */
  intervalMs?: number;
  now?: () => number;
}

export interface RetentionReport {
  traces: number;
  logs: number;
  points: number;
  usedBytes: number;
}

export interface Retention {
  /** Enforces age and size now. */
  enforce(): RetentionReport;
  start(): void;
  stop(): void;
}

const CHUNK = 2_000;
const NS_PER_MS = 1_000_000n;

/** Creates the retention task over an open database. */
export function createRetention(db: Db, options: RetentionOptions): Retention {
  const now = options.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  const stmt = {
    oldTraces: db
      .prepare('SELECT trace_id FROM traces WHERE start_ns < ? ORDER BY start_ns LIMIT ?')
      .pluck(),
    deleteLinks: db.prepare(
      'DELETE FROM span_links WHERE span_rowid IN (SELECT id FROM spans WHERE trace_id = ?)',
    ),
    deleteSpans: db.prepare('DELETE FROM spans WHERE trace_id = ?'),
    deleteTrace: db.prepare('DELETE FROM traces WHERE trace_id = ?'),
    deleteLogs: db.prepare(
      'DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE time_ns < ? ORDER BY time_ns LIMIT ?)',
    ),
    deletePoints: db.prepare(
      'DELETE FROM points WHERE rowid IN (SELECT rowid FROM points WHERE time_ns < ? ORDER BY time_ns LIMIT ?)',
    ),
    range: db
      .prepare(
        `SELECT min(lo) AS lo, max(hi) AS hi FROM (
           SELECT min(start_ns) AS lo, max(start_ns) AS hi FROM traces
           UNION ALL SELECT min(time_ns), max(time_ns) FROM logs
           UNION ALL SELECT min(time_ns), max(time_ns) FROM points)`,
      )
      .safeIntegers(true),
  };

  const deleteTraces = db.transaction((ids: string[]) => {
    for (const id of ids) {
      stmt.deleteLinks.run(id);
      stmt.deleteSpans.run(id);
      stmt.deleteTrace.run(id);
    }
  });

  /** Deletes everything that started before `cutoffNs`. */
  function deleteBefore(cutoffNs: bigint, report: RetentionReport): number {
    let deleted = 0;
    for (;;) {
      const ids = stmt.oldTraces.all(cutoffNs, CHUNK) as string[];
      if (ids.length === 0) break;
      deleteTraces(ids);
      report.traces += ids.length;
      deleted += ids.length;
    }
    for (;;) {
      const n = stmt.deleteLogs.run(cutoffNs, CHUNK * 5).changes;
      report.logs += n;
      deleted += n;
      if (n === 0) break;
    }
    for (;;) {
      const n = stmt.deletePoints.run(cutoffNs, CHUNK * 5).changes;
      report.points += n;
      deleted += n;
      if (n === 0) break;
    }
    return deleted;
  }

  function enforce(): RetentionReport {
    const report: RetentionReport = { traces: 0, logs: 0, points: 0, usedBytes: 0 };
    deleteBefore(BigInt(now() - options.retentionMs) * NS_PER_MS, report);
    // Over the size limit: drop the oldest tenth of the time range held, until under 90 % of it.
    for (let round = 0; round < 30 && usedBytes(db) > options.maxBytes * 0.9; round++) {
      const { lo, hi } = stmt.range.get() as { lo: bigint | null; hi: bigint | null };
      if (lo === null || hi === null) break;
      const cutoff = lo + ((hi - lo) / 10n > 0n ? (hi - lo) / 10n : 1n);
      if (deleteBefore(cutoff, report) === 0 && cutoff >= hi) break;
    }
    if (report.traces + report.logs + report.points > 0) {
      db.pragma('incremental_vacuum');
      // In WAL mode the file shrinks when the freed pages are checkpointed.
      db.pragma('wal_checkpoint(PASSIVE)');
    }
    report.usedBytes = usedBytes(db);
    return report;
  }

  return {
    enforce,
    start() {
      timer = setInterval(() => enforce(), options.intervalMs ?? 30_000);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
