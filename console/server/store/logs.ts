// Reading log records: by trace, span, service, minimum severity, text and time, newest first.
import { plain, plainAttributes, type AnyValue, type KeyValue } from '../otlp/values.js';
import type { Db } from './schema.js';

export interface LogEntry {
  id: number;
  time: string;
  timeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: unknown;
  service: string;
  traceId: string | null;
  spanId: string | null;
  eventName: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  scope: { name: string; version?: string };
}

export interface LogFilter {
  traceId?: string;
  spanId?: string;
  service?: string;
  minSeverity?: number;
  q?: string;
  fromNs?: bigint;
  toNs?: bigint;
  ids?: number[];
  /** OpenTelemetry event names (the record's event_name), any of them. */
  eventNames?: string[];
  limit: number;
  before?: { timeNs: bigint; id: number };
}

interface LogRow {
  id: bigint;
  time_ns: bigint;
  severity_number: bigint;
  severity_text: string;
  body_json: string;
  attributes_json: string;
  service: string;
  trace_id: string | null;
  span_id: string | null;
  event_name: string;
  resource_json: string;
  scope_json: string;
}

function build(filter: LogFilter): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    params.push(...values);
  };
  if (filter.before)
    add(
      '(l.time_ns < ? OR (l.time_ns = ? AND l.id < ?))',
      filter.before.timeNs,
      filter.before.timeNs,
      filter.before.id,
    );
  if (filter.traceId !== undefined) add('l.trace_id = ?', filter.traceId);
  if (filter.spanId !== undefined) add('l.span_id = ?', filter.spanId);
  if (filter.service !== undefined) add('l.service = ?', filter.service);
  if (filter.minSeverity !== undefined) add('l.severity_number >= ?', filter.minSeverity);
  if (filter.fromNs !== undefined) add('l.time_ns >= ?', filter.fromNs);
  if (filter.toNs !== undefined) add('l.time_ns <= ?', filter.toNs);
  if (filter.ids !== undefined)
    add(`l.id IN (${filter.ids.map(() => '?').join(',') || 'NULL'})`, ...filter.ids);
  if (filter.eventNames !== undefined)
    add(
      `l.event_name IN (${filter.eventNames.map(() => '?').join(',') || 'NULL'})`,
      ...filter.eventNames,
    );
  if (filter.q) {
    // LIKE is case-insensitive for ASCII; the pattern's own wildcards are escaped.
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    add(
      "(l.body_text LIKE ? ESCAPE '\\' OR l.attributes_json LIKE ? ESCAPE '\\')",
      pattern,
      pattern,
    );
  }
  const sql = `SELECT l.id, l.time_ns, l.severity_number, l.severity_text, l.body_json,
      l.attributes_json, l.service, l.trace_id, l.span_id, l.event_name, r.json AS resource_json, c.json AS scope_json
    FROM logs l JOIN resources r ON r.id = l.resource_id JOIN scopes c ON c.id = l.scope_id
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY l.time_ns DESC, l.id DESC LIMIT ?`;
  return { sql, params: [...params, filter.limit + 1] };
}

function entry(row: LogRow): LogEntry {
  const scope = JSON.parse(row.scope_json) as { name: string; version?: string };
  return {
    id: Number(row.id),
    time: new Date(Number(row.time_ns / 1_000_000n)).toISOString(),
    timeUnixNano: String(row.time_ns),
    severityNumber: Number(row.severity_number),
    severityText: row.severity_text,
    body: plain(JSON.parse(row.body_json) as AnyValue),
    service: row.service,
    traceId: row.trace_id,
    spanId: row.span_id,
    eventName: row.event_name,
    attributes: plainAttributes(JSON.parse(row.attributes_json) as KeyValue[]),
    resource: plainAttributes(
      (JSON.parse(row.resource_json) as { attributes: KeyValue[] }).attributes,
    ),
    scope: { name: scope.name, ...(scope.version ? { version: scope.version } : {}) },
  };
}

export interface LogQueries {
  search(filter: LogFilter): { logs: LogEntry[]; next: string | null };
  plan(filter: LogFilter): string[];
}

export function createLogQueries(db: Db): LogQueries {
  return {
    search(filter) {
      const { sql, params } = build(filter);
      const rows = db
        .prepare(sql)
        .safeIntegers(true)
        .all(...params) as LogRow[];
      const page = rows.slice(0, filter.limit);
      const last = page[page.length - 1];
      return {
        logs: page.map(entry),
        next: rows.length > filter.limit && last ? `${last.time_ns}.${last.id}` : null,
      };
    },
    plan(filter) {
      const { sql, params } = build(filter);
      return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map(
        (r) => r.detail,
      );
    },
  };
}
