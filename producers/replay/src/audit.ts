// The audit trail: one row per executed (or refused) replay — who, when, what, with which filters,
// what happened — and, for republish and redrive, how far it got, so `--resume ID` continues.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';

export type ReplayKind = 'rewind' | 'republish' | 'dlq';
export type ReplayStatus = 'running' | 'completed' | 'interrupted' | 'failed' | 'refused';

export interface ReplayRecord {
  id: string;
  kind: ReplayKind;
  operator: string;
  startedAt: string;
  finishedAt: string | null;
  status: ReplayStatus;
  /** The command's options as given (times resolved to ISO), enough to run it again. */
  request: Record<string, unknown>;
  /** Counts: planned, published, skipped, failed, … */
  counts: Record<string, number>;
  /** Last offset done per partition (`"0": 41`), for --resume. */
  progress: Record<string, number>;
  outcome: string | null;
}

export interface AuditTrail {
  create(kind: ReplayKind, operator: string, request: Record<string, unknown>): ReplayRecord;
  update(
    id: string,
    change: Partial<
      Pick<ReplayRecord, 'status' | 'counts' | 'progress' | 'outcome' | 'finishedAt'>
    >,
  ): ReplayRecord;
  get(id: string): ReplayRecord | undefined;
  list(limit?: number): ReplayRecord[];
  /** DLQ offsets (`topic/partition/offset`) some earlier redrive already sent back. */
  redriven(dlqTopic: string): Set<string>;
  markRedriven(dlqTopic: string, partition: number, offset: number, replayId: string): void;
  close(): void;
}

interface Row {
  id: string;
  kind: ReplayKind;
  operator: string;
  started_at: string;
  finished_at: string | null;
  status: ReplayStatus;
  request: string;
  counts: string;
  progress: string;
  outcome: string | null;
}

const toRecord = (r: Row): ReplayRecord => ({
  id: r.id,
  kind: r.kind,
  operator: r.operator,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  status: r.status,
  request: JSON.parse(r.request) as Record<string, unknown>,
  counts: JSON.parse(r.counts) as Record<string, number>,
  progress: JSON.parse(r.progress) as Record<string, number>,
  outcome: r.outcome,
});

/** Opens (creating if needed) the audit database at `file`. */
export function openAuditTrail(file: string): AuditTrail {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS replays (
      id TEXT PRIMARY KEY, kind TEXT NOT NULL, operator TEXT NOT NULL,
      started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL,
      request TEXT NOT NULL, counts TEXT NOT NULL, progress TEXT NOT NULL, outcome TEXT);
    CREATE TABLE IF NOT EXISTS redriven (
      dlq_topic TEXT NOT NULL, partition INTEGER NOT NULL, msg_offset INTEGER NOT NULL,
      replay_id TEXT NOT NULL, PRIMARY KEY (dlq_topic, partition, msg_offset));
  `);
  const insert = db.prepare(
    `INSERT INTO replays (id, kind, operator, started_at, status, request, counts, progress)
     VALUES (@id, @kind, @operator, @started_at, 'running', @request, '{}', '{}')`,
  );
  const byId = db.prepare<[string], Row>('SELECT * FROM replays WHERE id = ?');
  const all = db.prepare<[number], Row>('SELECT * FROM replays ORDER BY started_at DESC LIMIT ?');
  const get = (id: string) => {
    const row = byId.get(id);
    return row ? toRecord(row) : undefined;
  };
  return {
    create(kind, operator, request) {
      const id = `rpl-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomUUID().slice(0, 8)}`;
      insert.run({
        id,
        kind,
        operator,
        started_at: new Date().toISOString(),
        request: JSON.stringify(request),
      });
      return get(id)!;
    },
    update(id, change) {
      const sets: string[] = [];
      const values: Record<string, unknown> = { id };
      for (const [field, column] of [
        ['status', 'status'],
        ['outcome', 'outcome'],
        ['finishedAt', 'finished_at'],
      ] as const) {
        if (change[field] !== undefined) {
          sets.push(`${column} = @${column}`);
          values[column] = change[field];
        }
      }
      for (const field of ['counts', 'progress'] as const) {
        if (change[field] !== undefined) {
          sets.push(`${field} = @${field}`);
          values[field] = JSON.stringify(change[field]);
        }
      }
      if (sets.length > 0)
        db.prepare(`UPDATE replays SET ${sets.join(', ')} WHERE id = @id`).run(values);
      return get(id)!;
    },
    get,
    list: (limit = 50) => all.all(limit).map(toRecord),
    redriven(dlqTopic) {
      const rows = db
        .prepare<[string], { partition: number; msg_offset: number }>(
          'SELECT partition, msg_offset FROM redriven WHERE dlq_topic = ?',
        )
        .all(dlqTopic);
      return new Set(rows.map((r) => `${dlqTopic}/${r.partition}/${r.msg_offset}`));
    },
    markRedriven(dlqTopic, partition, offset, replayId) {
      db.prepare('INSERT OR IGNORE INTO redriven VALUES (?, ?, ?, ?)').run(
        dlqTopic,
        partition,
        offset,
        replayId,
      );
    },
    close: () => db.close(),
  };
}
