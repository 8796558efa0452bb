// Services seen, and the service map: services and topics as nodes, produce and consume edges
// computed from the PRODUCER and CONSUMER spans of a time window.
import type { Db } from './schema.js';

export interface ServiceInfo {
  name: string;
  spanCount: number;
  logCount: number;
  metricSeries: number;
  lastSeen: string | null;
}

export interface MapNode {
  id: string;
  kind: 'service' | 'topic';
}

export interface MapEdge {
  source: string;
  target: string;
  kind: 'produce' | 'consume';
  group?: string;
  count: number;
  ratePerSec: number;
  errorShare: number;
  p95Ms: number;
}

const PRODUCER = 4;
const CONSUMER = 5;

/** The nearest-rank p-quantile of sorted values. */
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export interface ServiceQueries {
  services(): ServiceInfo[];
  map(fromNs: bigint, toNs: bigint): { nodes: MapNode[]; edges: MapEdge[] };
}

export function createServiceQueries(db: Db): ServiceQueries {
  const stmt = {
    spans: db
      .prepare('SELECT service, count(*) AS n, max(start_ns) AS last FROM spans GROUP BY service')
      .safeIntegers(true),
    logs: db
      .prepare('SELECT service, count(*) AS n, max(time_ns) AS last FROM logs GROUP BY service')
      .safeIntegers(true),
    series: db.prepare('SELECT service, count(*) AS n FROM series GROUP BY service'),
    messaging: db.prepare(
      `SELECT kind, service, topic, consumer_group, end_ns - start_ns AS duration, status_code
       FROM spans WHERE topic IS NOT NULL AND start_ns >= ? AND start_ns <= ? AND kind IN (${PRODUCER}, ${CONSUMER})`,
    ),
  };
  return {
    services() {
      const byName = new Map<string, ServiceInfo & { last: bigint }>();
      const get = (name: string) => {
        let s = byName.get(name);
        if (!s)
          byName.set(
            name,
            (s = { name, spanCount: 0, logCount: 0, metricSeries: 0, lastSeen: null, last: 0n }),
          );
        return s;
      };
      for (const r of stmt.spans.all() as { service: string; n: bigint; last: bigint }[]) {
        const s = get(r.service);
        s.spanCount = Number(r.n);
        if (r.last > s.last) s.last = r.last;
      }
      for (const r of stmt.logs.all() as { service: string; n: bigint; last: bigint }[]) {
        const s = get(r.service);
        s.logCount = Number(r.n);
        if (r.last > s.last) s.last = r.last;
      }
      for (const r of stmt.series.all() as { service: string; n: number }[])
        get(r.service).metricSeries = r.n;
      return [...byName.values()]
        .map(({ last, ...s }) => ({
          ...s,
          lastSeen: last > 0n ? new Date(Number(last / 1_000_000n)).toISOString() : null,
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    map(fromNs, toNs) {
      const seconds = Math.max(1e-9, Number(toNs - fromNs) / 1e9);
      const nodes = new Map<string, MapNode>();
      const edges = new Map<
        string,
        {
          edge: Omit<MapEdge, 'ratePerSec' | 'errorShare' | 'p95Ms'>;
          errors: number;
          durations: number[];
        }
      >();
      for (const row of stmt.messaging.iterate(fromNs, toNs) as Iterable<{
        kind: number;
        service: string;
        topic: string;
        consumer_group: string | null;
        duration: number;
        status_code: number;
      }>) {
        nodes.set(`service:${row.service}`, { id: row.service, kind: 'service' });
        nodes.set(`topic:${row.topic}`, { id: row.topic, kind: 'topic' });
        const produce = row.kind === PRODUCER;
        const group = produce ? undefined : (row.consumer_group ?? row.service);
        const key = produce
          ? `p\0${row.service}\0${row.topic}`
          : `c\0${row.topic}\0${row.service}\0${group}`;
        let e = edges.get(key);
        if (!e) {
          e = {
            edge: produce
              ? { source: row.service, target: row.topic, kind: 'produce', count: 0 }
              : {
                  source: row.topic,
                  target: row.service,
                  kind: 'consume',
                  group: group!,
                  count: 0,
                },
            errors: 0,
            durations: [],
          };
          edges.set(key, e);
        }
        e.edge.count += 1;
        if (row.status_code === 2) e.errors += 1;
        e.durations.push(row.duration / 1e6);
      }
      return {
        nodes: [...nodes.values()].sort(
          (a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id),
        ),
        edges: [...edges.values()].map(({ edge, errors, durations }) => ({
          ...edge,
          ratePerSec: edge.count / seconds,
          errorShare: errors / edge.count,
          p95Ms: quantile(
            durations.sort((a, b) => a - b),
            0.95,
          ),
        })),
      };
    },
  };
}
