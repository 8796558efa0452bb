// The write path: receivers enqueue decoded records and get a promise that settles when the
// transaction holding them has committed, so an exporter hears "ok" only for data on disk. The
// queue is flushed every few milliseconds or as soon as it holds a batch's worth of rows; past a
// high-water mark it refuses new data (the receivers answer "retry later") instead of growing.
import type {
  LogRecordRow,
  MetricPointRecord,
  ResourceRef,
  ScopeRef,
  SpanRecord,
} from '../otlp/model.js';
import type { Db } from './schema.js';

export class OverloadedError extends Error {
  override readonly name = 'OverloadedError';
}

export interface Committed {
  /** Traces that got new spans. */
  traceIds: Set<string>;
  /** Row ids of the log records inserted. */
  logIds: number[];
}

export interface WriterOptions {
  flushIntervalMs?: number;
  batchRows?: number;
  maxPendingRows?: number;
}

export interface Writer {
  write(spans: SpanRecord[], logs: LogRecordRow[], points: MetricPointRecord[]): Promise<void>;
  /** Commits whatever is queued now. */
  flush(): void;
  pendingRows(): number;
  onCommit(listener: (committed: Committed) => void): void;
  /** Forgets cached row ids (after retention deleted rows). */
  resetCaches(): void;
  close(): void;
}

interface Pending {
  spans: SpanRecord[];
  logs: LogRecordRow[];
  points: MetricPointRecord[];
  settle: { resolve: () => void; reject: (err: Error) => void }[];
  rows: number;
}

interface TraceDelta {
  start: bigint;
  end: bigint;
  spans: number;
  errors: number;
  rootService: string | null;
  rootName: string | null;
  firstService: string;
  firstName: string;
  orderId: string | null;
  country: string | null;
  synthetic: number;
  replay: number;
}

const empty = (): Pending => ({ spans: [], logs: [], points: [], settle: [], rows: 0 });

/** Creates the batched writer over an open database. */
export function createWriter(db: Db, options: WriterOptions = {}): Writer {
  const flushIntervalMs = options.flushIntervalMs ?? 10;
  const batchRows = options.batchRows ?? 5_000;
  const maxPendingRows = options.maxPendingRows ?? 200_000;
  const listeners: ((c: Committed) => void)[] = [];
  let pending = empty();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const resourceIds = new Map<string, number>();
  const scopeIds = new Map<string, number>();
  const seriesIds = new Map<string, number>();
  const knownMetrics = new Set<string>();

  const stmt = {
    findResource: db.prepare('SELECT id FROM resources WHERE json = ? AND schema_url = ?').pluck(),
    addResource: db.prepare('INSERT INTO resources (json, schema_url, service) VALUES (?, ?, ?)'),
    findScope: db.prepare('SELECT id FROM scopes WHERE json = ? AND schema_url = ?').pluck(),
    addScope: db.prepare('INSERT INTO scopes (json, schema_url) VALUES (?, ?)'),
    span: db.prepare(`INSERT OR IGNORE INTO spans (trace_id, span_id, parent_span_id, name, kind,
      service, start_ns, end_ns, status_code, resource_id, scope_id, order_id, country, synthetic,
      replay, topic, partition, msg_offset, consumer_group, json)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    link: db.prepare(
      'INSERT INTO span_links (linked_trace_id, linked_span_id, span_rowid) VALUES (?, ?, ?)',
    ),
    trace: db.prepare(`INSERT INTO traces (trace_id, start_ns, end_ns, span_count, error_count,
      root_service, root_name, first_service, first_name, order_id, country, synthetic, replay)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (trace_id) DO UPDATE SET
        first_service = CASE WHEN excluded.start_ns < start_ns THEN excluded.first_service ELSE first_service END,
        first_name = CASE WHEN excluded.start_ns < start_ns THEN excluded.first_name ELSE first_name END,
        start_ns = min(start_ns, excluded.start_ns),
        end_ns = max(end_ns, excluded.end_ns),
        span_count = span_count + excluded.span_count,
        error_count = error_count + excluded.error_count,
        root_service = coalesce(excluded.root_service, root_service),
        root_name = coalesce(excluded.root_name, root_name),
        order_id = coalesce(order_id, excluded.order_id),
        country = coalesce(country, excluded.country),
        synthetic = max(synthetic, excluded.synthetic),
        replay = max(replay, excluded.replay)`),
    log: db.prepare(`INSERT INTO logs (time_ns, observed_ns, severity_number, severity_text,
      body_json, body_text, attributes_json, service, resource_id, scope_id, trace_id, span_id,
      flags, event_name, synthetic, replay) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    metric: db.prepare(`INSERT INTO metrics (name, type, unit, description, monotonic, temporality)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET type = excluded.type,
      unit = excluded.unit, description = excluded.description, monotonic = excluded.monotonic,
      temporality = excluded.temporality`),
    findSeries: db
      .prepare(
        'SELECT id FROM series WHERE name = ? AND service = ? AND instance = ? AND labels = ?',
      )
      .pluck(),
    addSeries: db.prepare(
      'INSERT INTO series (name, service, instance, labels) VALUES (?, ?, ?, ?)',
    ),
    point: db.prepare(`INSERT INTO points (series_id, time_ns, start_ns, value, count, sum, buckets,
      bounds) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
  };

  const resourceId = (r: ResourceRef): number => {
    const key = `${r.schemaUrl}\n${r.json}`;
    let id = resourceIds.get(key);
    if (id === undefined) {
      id =
        (stmt.findResource.get(r.json, r.schemaUrl) as number | undefined) ??
        Number(stmt.addResource.run(r.json, r.schemaUrl, r.service).lastInsertRowid);
      resourceIds.set(key, id);
    }
    return id;
  };
  const scopeId = (s: ScopeRef): number => {
    const key = `${s.schemaUrl}\n${s.json}`;
    let id = scopeIds.get(key);
    if (id === undefined) {
      id =
        (stmt.findScope.get(s.json, s.schemaUrl) as number | undefined) ??
        Number(stmt.addScope.run(s.json, s.schemaUrl).lastInsertRowid);
      scopeIds.set(key, id);
    }
    return id;
  };
  const seriesId = (p: MetricPointRecord): number => {
    const labels = JSON.stringify(
      Object.fromEntries(Object.entries(p.labels).sort(([a], [b]) => (a < b ? -1 : 1))),
    );
    const key = `${p.name}\n${p.service}\n${p.instance}\n${labels}`;
    let id = seriesIds.get(key);
    if (id === undefined) {
      id =
        (stmt.findSeries.get(p.name, p.service, p.instance, labels) as number | undefined) ??
        Number(stmt.addSeries.run(p.name, p.service, p.instance, labels).lastInsertRowid);
      seriesIds.set(key, id);
    }
    return id;
  };

  const insertSpans = (spans: SpanRecord[], traceIds: Set<string>) => {
    const deltas = new Map<string, TraceDelta>();
    for (const s of spans) {
      const info = stmt.span.run(
        s.traceId,
        s.spanId,
        s.parentSpanId,
        s.name,
        s.kind,
        s.resource.service,
        s.startNs,
        s.endNs,
        s.statusCode,
        resourceId(s.resource),
        scopeId(s.scope),
        s.orderId ?? null,
        s.country ?? null,
        s.synthetic ? 1 : 0,
        s.replay ? 1 : 0,
        s.topic ?? null,
        s.partition ?? null,
        s.offset ?? null,
        s.group ?? null,
        s.json,
      );
      if (info.changes === 0) continue; // a span sent twice (an exporter's retry) is kept once
      for (const link of s.links) stmt.link.run(link.traceId, link.spanId, info.lastInsertRowid);
      const isRoot = s.parentSpanId === '';
      const d = deltas.get(s.traceId);
      if (!d) {
        deltas.set(s.traceId, {
          start: s.startNs,
          end: s.endNs,
          spans: 1,
          errors: s.statusCode === 2 ? 1 : 0,
          rootService: isRoot ? s.resource.service : null,
          rootName: isRoot ? s.name : null,
          firstService: s.resource.service,
          firstName: s.name,
          orderId: s.orderId ?? null,
          country: s.country ?? null,
          synthetic: s.synthetic ? 1 : 0,
          replay: s.replay ? 1 : 0,
        });
        continue;
      }
      if (s.startNs < d.start) {
        d.start = s.startNs;
        d.firstService = s.resource.service;
        d.firstName = s.name;
      }
      if (s.endNs > d.end) d.end = s.endNs;
      d.spans += 1;
      if (s.statusCode === 2) d.errors += 1;
      if (isRoot) {
        d.rootService = s.resource.service;
        d.rootName = s.name;
      }
      d.orderId ??= s.orderId ?? null;
      d.country ??= s.country ?? null;
      if (s.synthetic) d.synthetic = 1;
      if (s.replay) d.replay = 1;
    }
    for (const [traceId, d] of deltas) {
      traceIds.add(traceId);
      stmt.trace.run(
        traceId,
        d.start,
        d.end,
        d.spans,
        d.errors,
        d.rootService,
        d.rootName,
        d.firstService,
        d.firstName,
        d.orderId,
        d.country,
        d.synthetic,
        d.replay,
      );
    }
  };

  const insertLogs = (logs: LogRecordRow[], logIds: number[]) => {
    for (const l of logs) {
      const info = stmt.log.run(
        l.timeNs,
        l.observedNs,
        l.severityNumber,
        l.severityText,
        l.bodyJson,
        l.bodyText,
        l.attributesJson,
        l.resource.service,
        resourceId(l.resource),
        scopeId(l.scope),
        l.traceId || null,
        l.spanId || null,
        l.flags,
        l.eventName,
        l.synthetic ? 1 : 0,
        l.replay ? 1 : 0,
      );
      logIds.push(Number(info.lastInsertRowid));
    }
  };

  const insertPoints = (points: MetricPointRecord[]) => {
    for (const p of points) {
      const signature = `${p.name}\n${p.type}\n${p.unit}\n${p.monotonic}\n${p.temporality}\n${p.description}`;
      if (!knownMetrics.has(signature)) {
        stmt.metric.run(p.name, p.type, p.unit, p.description, p.monotonic ? 1 : 0, p.temporality);
        knownMetrics.add(signature);
      }
      stmt.point.run(
        seriesId(p),
        p.timeNs,
        p.startNs,
        p.value ?? null,
        p.count ?? null,
        p.sum ?? null,
        p.bucketCounts ? JSON.stringify(p.bucketCounts) : null,
        p.bounds ? JSON.stringify(p.bounds) : null,
      );
    }
  };

  const commit = db.transaction((batch: Pending, committed: Committed) => {
    insertSpans(batch.spans, committed.traceIds);
    insertLogs(batch.logs, committed.logIds);
    insertPoints(batch.points);
  });

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = empty();
    if (batch.rows === 0) {
      for (const s of batch.settle) s.resolve();
      return;
    }
    const committed: Committed = { traceIds: new Set(), logIds: [] };
    try {
      commit(batch, committed);
    } catch (err) {
      // Row-id caches may point at rows of the rolled-back transaction.
      resourceIds.clear();
      scopeIds.clear();
      seriesIds.clear();
      knownMetrics.clear();
      for (const s of batch.settle) s.reject(err as Error);
      return;
    }
    for (const s of batch.settle) s.resolve();
    for (const listener of listeners) listener(committed);
  }

  return {
    write(spans, logs, points) {
      if (closed) return Promise.reject(new OverloadedError('the console is shutting down'));
      const rows = spans.length + logs.length + points.length;
      if (rows === 0) return Promise.resolve();
      if (pending.rows + rows > maxPendingRows)
        return Promise.reject(
          new OverloadedError(`the write queue holds ${pending.rows} rows; retry later`),
        );
      pending.spans.push(...spans);
      pending.logs.push(...logs);
      pending.points.push(...points);
      pending.rows += rows;
      const done = new Promise<void>((resolve, reject) => pending.settle.push({ resolve, reject }));
      if (pending.rows >= batchRows) {
        if (timer) clearTimeout(timer);
        timer = setTimeout(flush, 0);
      } else if (!timer) timer = setTimeout(flush, flushIntervalMs);
      return done;
    },
    flush,
    pendingRows: () => pending.rows,
    onCommit: (listener) => void listeners.push(listener),
    resetCaches() {
      seriesIds.clear();
      knownMetrics.clear();
    },
    close() {
      flush();
      closed = true;
    },
  };
}
