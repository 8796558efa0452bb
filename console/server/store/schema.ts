// The SQLite schema. Spans, log records and metric points are rows; each keeps its OTLP/JSON
// encoding (served back verbatim) beside the columns that queries filter on. `traces` is a summary
// row per trace, maintained in the same transaction as the spans, so the trace list never scans
// spans. Times are Unix nanoseconds in INTEGER columns (bound and read as BigInt where precision
// matters).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

const SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS resources (
  id INTEGER PRIMARY KEY,
  json TEXT NOT NULL,
  schema_url TEXT NOT NULL,
  service TEXT NOT NULL,
  UNIQUE (json, schema_url)
);
CREATE TABLE IF NOT EXISTS scopes (
  id INTEGER PRIMARY KEY,
  json TEXT NOT NULL,
  schema_url TEXT NOT NULL,
  UNIQUE (json, schema_url)
);
CREATE TABLE IF NOT EXISTS spans (
  id INTEGER PRIMARY KEY,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_span_id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  service TEXT NOT NULL,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  status_code INTEGER NOT NULL,
  resource_id INTEGER NOT NULL,
  scope_id INTEGER NOT NULL,
  order_id TEXT,
  country TEXT,
  synthetic INTEGER NOT NULL,
  replay INTEGER NOT NULL,
  topic TEXT,
  partition INTEGER,
  msg_offset TEXT,
  consumer_group TEXT,
  json TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS spans_trace ON spans (trace_id, span_id);
CREATE INDEX IF NOT EXISTS spans_time ON spans (start_ns);
CREATE INDEX IF NOT EXISTS spans_service_time ON spans (service, start_ns);
CREATE INDEX IF NOT EXISTS spans_name_time ON spans (name, start_ns);
CREATE INDEX IF NOT EXISTS spans_error_time ON spans (start_ns) WHERE status_code = 2;
CREATE INDEX IF NOT EXISTS spans_order ON spans (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS spans_country_time ON spans (country, start_ns) WHERE country IS NOT NULL;
CREATE INDEX IF NOT EXISTS spans_messaging ON spans (topic, partition, msg_offset) WHERE topic IS NOT NULL;
CREATE INDEX IF NOT EXISTS spans_topic_time ON spans (topic, start_ns) WHERE topic IS NOT NULL;
CREATE INDEX IF NOT EXISTS spans_group_time ON spans (consumer_group, start_ns) WHERE consumer_group IS NOT NULL;

CREATE TABLE IF NOT EXISTS span_links (
  linked_trace_id TEXT NOT NULL,
  linked_span_id TEXT NOT NULL,
  span_rowid INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS span_links_target ON span_links (linked_trace_id);
CREATE INDEX IF NOT EXISTS span_links_span ON span_links (span_rowid);

CREATE TABLE IF NOT EXISTS traces (
  trace_id TEXT PRIMARY KEY,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  span_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  root_service TEXT,
  root_name TEXT,
  first_service TEXT NOT NULL,
  first_name TEXT NOT NULL,
  order_id TEXT,
  country TEXT,
  synthetic INTEGER NOT NULL,
  replay INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS traces_time ON traces (start_ns);
CREATE INDEX IF NOT EXISTS traces_error_time ON traces (start_ns) WHERE error_count > 0;
CREATE INDEX IF NOT EXISTS traces_order ON traces (order_id) WHERE order_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS logs (
  id INTEGER PRIMARY KEY,
  time_ns INTEGER NOT NULL,
  observed_ns INTEGER NOT NULL,
  severity_number INTEGER NOT NULL,
  severity_text TEXT NOT NULL,
  body_json TEXT NOT NULL,
  body_text TEXT NOT NULL,
  attributes_json TEXT NOT NULL,
  service TEXT NOT NULL,
  resource_id INTEGER NOT NULL,
  scope_id INTEGER NOT NULL,
  trace_id TEXT,
  span_id TEXT,
  flags INTEGER NOT NULL,
  event_name TEXT NOT NULL,
  synthetic INTEGER NOT NULL,
  replay INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_time ON logs (time_ns);
CREATE INDEX IF NOT EXISTS logs_trace ON logs (trace_id, time_ns) WHERE trace_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS logs_service_time ON logs (service, time_ns);
CREATE INDEX IF NOT EXISTS logs_severity_time ON logs (severity_number, time_ns);
CREATE INDEX IF NOT EXISTS logs_event_time ON logs (event_name, time_ns) WHERE event_name != '';

CREATE TABLE IF NOT EXISTS metrics (
  name TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  unit TEXT NOT NULL,
  description TEXT NOT NULL,
  monotonic INTEGER NOT NULL,
  temporality INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS series (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  service TEXT NOT NULL,
  instance TEXT NOT NULL,
  labels TEXT NOT NULL,
  UNIQUE (name, service, instance, labels)
);
CREATE TABLE IF NOT EXISTS points (
  series_id INTEGER NOT NULL,
  time_ns INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  value REAL,
  count INTEGER,
  sum REAL,
  buckets TEXT,
  bounds TEXT
);
CREATE INDEX IF NOT EXISTS points_series_time ON points (series_id, time_ns);
CREATE INDEX IF NOT EXISTS points_time ON points (time_ns);
`;

export interface OpenOptions {
  /** Directory of `console.db`; omit for an in-memory database. */
  dataDir?: string;
}

/** Opens (creating if needed) the console database in WAL mode. */
export function openDatabase(options: OpenOptions = {}): Db {
  let file = ':memory:';
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    file = join(options.dataDir, 'console.db');
  }
  const db = new Database(file);
  // auto_vacuum must be chosen before the first table exists; INCREMENTAL lets retention hand
  // freed pages back to the file system, so the size limit is about the file, not just rows.
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives a crash of this process (not of the machine), which is
  // what an acknowledged export promises here.
  db.pragma('synchronous = NORMAL');
  db.pragma('temp_store = MEMORY');
  // The WAL is truncated back to this after checkpoints, so it cannot grow without bound.
  db.pragma('journal_size_limit = 33554432');
  db.pragma('cache_size = -65536');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION)
    throw new Error(
      `the console database ${file} has schema version ${version}, newer than this console (${SCHEMA_VERSION})`,
    );
  db.exec(DDL);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  return db;
}

/** Bytes the database really uses (pages in use, WAL excluded). */
export function usedBytes(db: Db): number {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  return (pages - free) * pageSize;
}

/** Size of the database file on disk, in bytes. */
export function fileBytes(db: Db): number {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  return (db.pragma('page_count', { simple: true }) as number) * pageSize;
}
