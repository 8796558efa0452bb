// Reading traces: one trace as an OTLP/JSON export request (built from the stored span encodings
// without re-parsing them), the spans of other traces that link into a trace, and the trace list.
import type { Db } from './schema.js';

export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootName: string;
  startTime: string;
  startTimeUnixNano: string;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  services: string[];
  topics: string[];
  orderId?: string;
  country?: string;
  synthetic: boolean;
  replay: boolean;
  /** No root span yet, or a span whose parent has not arrived. */
  incomplete: boolean;
}

export interface TraceFilter {
  service?: string;
  name?: string;
  status?: 'error' | 'ok';
  orderId?: string;
  country?: string;
  synthetic?: boolean;
  replay?: boolean;
  topic?: string;
  minDurationMs?: number;
  maxDurationMs?: number;
  fromNs?: bigint;
  toNs?: bigint;
  limit: number;
  /** Cursor from a previous page's `next`. */
  before?: { startNs: bigint; traceId: string };
}

interface SpanRow {
  json: string;
  resource_json: string;
  resource_schema: string;
  scope_json: string;
  scope_schema: string;
  resource_id: number;
  scope_id: number;
}

interface TraceRow {
  trace_id: string;
  start_ns: bigint;
  end_ns: bigint;
  span_count: bigint;
  error_count: bigint;
  root_service: string | null;
  root_name: string | null;
  first_service: string;
  first_name: string;
  order_id: string | null;
  country: string | null;
  synthetic: bigint;
  replay: bigint;
}

const SPAN_COLUMNS = `s.json, s.resource_id, s.scope_id, r.json AS resource_json,
  r.schema_url AS resource_schema, c.json AS scope_json, c.schema_url AS scope_schema
  FROM spans s JOIN resources r ON r.id = s.resource_id JOIN scopes c ON c.id = s.scope_id`;

/** Groups span rows by resource and scope into `{"resourceSpans":[...]}` text. */
function exportRequest(rows: SpanRow[]): string {
  const resources = new Map<
    number,
    { row: SpanRow; scopes: Map<number, { row: SpanRow; spans: string[] }> }
  >();
  for (const row of rows) {
    let resource = resources.get(row.resource_id);
    if (!resource) resources.set(row.resource_id, (resource = { row, scopes: new Map() }));
    let scope = resource.scopes.get(row.scope_id);
    if (!scope) resource.scopes.set(row.scope_id, (scope = { row, spans: [] }));
    scope.spans.push(row.json);
  }
  const parts: string[] = [];
  for (const { row, scopes } of resources.values()) {
    const scopeParts: string[] = [];
    for (const scope of scopes.values()) {
      const schema = scope.row.scope_schema
        ? `,"schemaUrl":${JSON.stringify(scope.row.scope_schema)}`
        : '';
      scopeParts.push(
        `{"scope":${scope.row.scope_json},"spans":[${scope.spans.join(',')}]${schema}}`,
      );
    }
    const schema = row.resource_schema ? `,"schemaUrl":${JSON.stringify(row.resource_schema)}` : '';
    parts.push(`{"resource":${row.resource_json},"scopeSpans":[${scopeParts.join(',')}]${schema}}`);
  }
  return `{"resourceSpans":[${parts.join(',')}]}`;
}

const nsToIso = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString();

export interface TraceQueries {
  /** The trace as OTLP/JSON text, or undefined when no span of it is stored. */
  trace(traceId: string): string | undefined;
  /** Spans of other traces with a link into this one, as OTLP/JSON text. */
  linked(traceId: string): string;
  search(filter: TraceFilter): { traces: TraceSummary[]; next: string | null };
  /** EXPLAIN QUERY PLAN of the search a filter runs (details, one per line). */
  plan(filter: TraceFilter): string[];
  summaries(traceIds: string[]): TraceSummary[];
}

function buildSearch(filter: TraceFilter): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    params.push(...values);
  };
  // Probe the trace's own spans: the planner would otherwise walk every span of a busy service.
  const spanHas = (column: string, value: unknown) =>
    add(
      `EXISTS (SELECT 1 FROM spans s INDEXED BY spans_trace WHERE s.trace_id = t.trace_id AND s.${column} = ?)`,
      value,
    );
  const ns = (ms: number) => BigInt(Math.round(ms * 1e6));
  const { before } = filter;
  if (before)
    add(
      '(t.start_ns < ? OR (t.start_ns = ? AND t.trace_id < ?))',
      before.startNs,
      before.startNs,
      before.traceId,
    );
  if (filter.fromNs !== undefined) add('t.start_ns >= ?', filter.fromNs);
  if (filter.toNs !== undefined) add('t.start_ns <= ?', filter.toNs);
  if (filter.status === 'error') add('t.error_count > 0');
  if (filter.status === 'ok') add('t.error_count = 0');
  if (filter.orderId !== undefined) add('t.order_id = ?', filter.orderId);
  if (filter.country !== undefined) add('t.country = ?', filter.country);
  if (filter.synthetic !== undefined) add('t.synthetic = ?', filter.synthetic ? 1 : 0);
  if (filter.replay !== undefined) add('t.replay = ?', filter.replay ? 1 : 0);
  if (filter.minDurationMs !== undefined)
    add('t.end_ns - t.start_ns >= ?', ns(filter.minDurationMs));
  if (filter.maxDurationMs !== undefined)
    add('t.end_ns - t.start_ns <= ?', ns(filter.maxDurationMs));
  if (filter.service !== undefined) spanHas('service', filter.service);
  if (filter.name !== undefined) spanHas('name', filter.name);
  if (filter.topic !== undefined) spanHas('topic', filter.topic);
  const sql = `SELECT t.* FROM traces t ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY t.start_ns DESC, t.trace_id DESC LIMIT ?`;
  return { sql, params: [...params, filter.limit + 1] };
}

export function createTraceQueries(db: Db): TraceQueries {
  const stmt = {
    trace: db.prepare(`SELECT ${SPAN_COLUMNS} WHERE s.trace_id = ? ORDER BY s.start_ns, s.id`),
    linked: db.prepare(
      `SELECT ${SPAN_COLUMNS} WHERE s.id IN (SELECT span_rowid FROM span_links WHERE linked_trace_id = ?)
       AND s.trace_id <> ? ORDER BY s.start_ns, s.id`,
    ),
    summary: db.prepare('SELECT * FROM traces WHERE trace_id = ?').safeIntegers(true),
    services: db.prepare('SELECT DISTINCT service FROM spans WHERE trace_id = ?').pluck(),
    topics: db
      .prepare('SELECT DISTINCT topic FROM spans WHERE trace_id = ? AND topic IS NOT NULL')
      .pluck(),
    orphans: db
      .prepare(
        `SELECT count(*) FROM spans s WHERE s.trace_id = ? AND s.parent_span_id <> ''
         AND NOT EXISTS (SELECT 1 FROM spans p WHERE p.trace_id = s.trace_id AND p.span_id = s.parent_span_id)`,
      )
      .pluck(),
  };

  const summarize = (row: TraceRow): TraceSummary => {
    const incomplete = row.root_service === null || (stmt.orphans.get(row.trace_id) as number) > 0;
    return {
      traceId: row.trace_id,
      rootService: row.root_service ?? row.first_service,
      rootName: row.root_name ?? row.first_name,
      startTime: nsToIso(row.start_ns),
      startTimeUnixNano: String(row.start_ns),
      durationMs: Number(row.end_ns - row.start_ns) / 1e6,
      spanCount: Number(row.span_count),
      errorCount: Number(row.error_count),
      services: (stmt.services.all(row.trace_id) as string[]).sort(),
      topics: (stmt.topics.all(row.trace_id) as string[]).sort(),
      ...(row.order_id ? { orderId: row.order_id } : {}),
      ...(row.country ? { country: row.country } : {}),
      synthetic: row.synthetic === 1n,
      replay: row.replay === 1n,
      incomplete,
    };
  };

  return {
    trace(traceId) {
      const rows = stmt.trace.all(traceId) as SpanRow[];
      return rows.length ? exportRequest(rows) : undefined;
    },
    linked: (traceId) => exportRequest(stmt.linked.all(traceId, traceId) as SpanRow[]),
    summaries(traceIds) {
      return traceIds
        .map((id) => stmt.summary.get(id) as TraceRow | undefined)
        .filter((r): r is TraceRow => r !== undefined)
        .map(summarize);
    },
    plan(filter) {
      const { sql, params } = buildSearch(filter);
      return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map(
        (r) => r.detail,
      );
    },
    search(filter) {
      const { sql, params } = buildSearch(filter);
      const rows = db
        .prepare(sql)
        .safeIntegers(true)
        .all(...params) as TraceRow[];
      const page = rows.slice(0, filter.limit);
      const last = page[page.length - 1];
      return {
        traces: page.map(summarize),
        next: rows.length > filter.limit && last ? `${last.start_ns}.${last.trace_id}` : null,
      };
    },
  };
}
