// A service's state in SQLite (better-sqlite3, WAL): small keyed tables of JSON values that
// handlers read and change inside synchronous transactions, so a decision and everything recorded
// with it land together or not at all, and a restart opens the file instead of replaying history.
// Settled entries (a decided payment, a released reservation) can be evicted after a retention;
// open ones are kept. Without a path everything lives in an in-memory database.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export interface Table<V> {
  get(key: string): V | undefined;
  /** Inserts or replaces; `settled` entries become eligible for eviction. */
  put(key: string, value: V, options?: { settled?: boolean }): void;
  delete(key: string): void;
  /** Every entry, in key order (for small tables such as stock per product). */
  entries(): [string, V][];
  count(): number;
  /** Deletes settled entries last written before `cutoffMs`; returns how many. */
  evictSettledBefore(cutoffMs: number): number;
}

export interface StateStore {
  /** The database file, or undefined in memory. */
  readonly path: string | undefined;
  /** The database itself, for a service that needs tables of its own shape (indexed columns). */
  readonly db: Database.Database;
  table<V>(name: string): Table<V>;
  /** Runs `fn` in one transaction (it must not await). */
  transaction<T>(fn: () => T): T;
  close(): void;
}

const NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** Opens (creating) the store at `path`, or an in-memory one. */
export function openStore(path?: string, now: () => number = Date.now): StateStore {
  if (path) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path ?? ':memory:');
  db.pragma('journal_mode = WAL');
  // Commits reach the OS before returning: they survive a killed process (not a power cut).
  db.pragma('synchronous = NORMAL');
  const tables = new Map<string, Table<unknown>>();

  function table<V>(name: string): Table<V> {
    const existing = tables.get(name);
    if (existing) return existing as Table<V>;
    if (!NAME.test(name)) throw new Error(`invalid table name "${name}"`);
    const t = `t_${name}`;
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${t} (key TEXT PRIMARY KEY, value TEXT NOT NULL, ` +
        `settled INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL);` +
        `CREATE INDEX IF NOT EXISTS ${t}_settled ON ${t} (settled, updated_at);`,
    );
    const get = db.prepare<[string], { value: string }>(`SELECT value FROM ${t} WHERE key = ?`);
    const put = db.prepare(
      `INSERT INTO ${t} (key, value, settled, updated_at) VALUES (?, ?, ?, ?) ` +
        `ON CONFLICT(key) DO UPDATE SET value = excluded.value, settled = excluded.settled, ` +
        `updated_at = excluded.updated_at`,
    );
    const del = db.prepare(`DELETE FROM ${t} WHERE key = ?`);
    const all = db.prepare<[], { key: string; value: string }>(
      `SELECT key, value FROM ${t} ORDER BY key`,
    );
    const count = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${t}`);
    const evict = db.prepare(`DELETE FROM ${t} WHERE settled = 1 AND updated_at < ?`);
    const created: Table<V> = {
      get(key) {
        const row = get.get(key);
        return row ? (JSON.parse(row.value) as V) : undefined;
      },
      put(key, value, options = {}) {
        put.run(key, JSON.stringify(value), options.settled ? 1 : 0, now());
      },
      delete(key) {
        del.run(key);
      },
      entries: () => all.all().map((r) => [r.key, JSON.parse(r.value) as V]),
      count: () => count.get()!.n,
      evictSettledBefore: (cutoffMs) => evict.run(cutoffMs).changes,
    };
    tables.set(name, created as Table<unknown>);
    return created;
  }

  return {
    path,
    db,
    table,
    transaction: (fn) => db.transaction(fn)(),
    close: () => db.close(),
  };
}

/**
 * Collects the items handed over in one turn of the event loop and writes them together (one
 * transaction instead of a commit each, when `write` runs in one); each caller's promise settles
 * once its item is written. Should the turn's write throw, every item is written alone with
 * `writeOne`, so only the callers whose item fails see the error.
 */
export function writtenPerTurn<T>(
  write: (items: T[]) => void,
  writeOne: (item: T) => void = (item) => write([item]),
): (item: T) => Promise<void> {
  let turn: { item: T; done: () => void; failed: (err: Error) => void }[] = [];
  const flush = () => {
    const waiting = turn;
    turn = [];
    try {
      write(waiting.map((w) => w.item));
      for (const w of waiting) w.done();
    } catch {
      for (const w of waiting) {
        try {
          writeOne(w.item);
          w.done();
        } catch (err) {
          w.failed(err as Error);
        }
      }
    }
  };
  return (item) =>
    new Promise<void>((done, failed) => {
      if (turn.push({ item, done, failed }) === 1) setImmediate(flush);
    });
}
