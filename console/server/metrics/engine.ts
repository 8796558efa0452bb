// Metric catalog and range queries over the stored data points. Names are the ones Prometheus shows
// for the same instruments (counters end in `_total`, histograms also answer to `_bucket`, `_sum`
// and `_count`), so a dashboard query and a console query name the same thing.
import type { Db } from '../store/schema.js';
import {
  histogramQuantile,
  increaseCumulative,
  increaseCumulativeVector,
  increaseDelta,
  lastValue,
  mergeBuckets,
  windows,
  type Sample,
  type VectorSample,
} from './math.js';

export type MetricKind =
  'counter' | 'updowncounter' | 'gauge' | 'histogram' | 'exponential_histogram' | 'summary';

export interface MetricInfo {
  name: string;
  otlpName: string;
  type: MetricKind;
  unit: string;
  description: string;
  /** Label keys across its series, `service` (the resource's service.name) included. */
  labels: string[];
  /** The names Prometheus shows for it. */
  prometheusNames: string[];
  services: string[];
  temporality: 'cumulative' | 'delta' | null;
}

export const FUNCTIONS = [
  'increase',
  'rate',
  'last',
  'sum',
  'avg',
  'p50',
  'p90',
  'p95',
  'p99',
] as const;
export type Fn = (typeof FUNCTIONS)[number];

export interface MetricQuery {
  name: string;
  fromMs: number;
  toMs: number;
  stepMs: number;
  by: string[];
  where: { label: string; values: string[]; negate: boolean }[];
  fn?: Fn;
}

export interface SeriesResult {
  labels: Record<string, string>;
  points: [number, number | null][];
}

export class QueryError extends Error {
  override readonly name = 'QueryError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

interface MetricRow {
  name: string;
  type: string;
  unit: string;
  description: string;
  monotonic: number;
  temporality: number;
}

interface SeriesRow {
  id: number;
  service: string;
  instance: string;
  labels: string;
}

interface PointRow {
  time_ns: bigint;
  start_ns: bigint;
  value: number | null;
  count: bigint | null;
  sum: number | null;
  buckets: string | null;
  bounds: string | null;
}

const STALE_MS = 5 * 60_000;

const sanitize = (name: string) => name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/^(\d)/, '_$1');

function kindOf(row: MetricRow): MetricKind {
  if (row.type === 'sum') return row.monotonic ? 'counter' : 'updowncounter';
  return row.type as MetricKind;
}

/** The base name Prometheus shows and every series name it expands to. */
export function prometheusNamesOf(
  otlpName: string,
  kind: MetricKind,
): { name: string; all: string[] } {
  const base = sanitize(otlpName);
  if (kind === 'counter') {
    const name = base.endsWith('_total') ? base : `${base}_total`;
    return { name, all: [name] };
  }
  if (kind === 'histogram' || kind === 'exponential_histogram' || kind === 'summary')
    return { name: base, all: [`${base}_bucket`, `${base}_sum`, `${base}_count`] };
  return { name: base, all: [base] };
}

type Part = 'value' | 'count' | 'sum' | 'bucket';

export interface MetricEngine {
  list(): MetricInfo[];
  query(q: MetricQuery): { name: string; fn: Fn; stepMs: number; series: SeriesResult[] };
}

export function createMetricEngine(db: Db): MetricEngine {
  const stmt = {
    metrics: db.prepare('SELECT * FROM metrics ORDER BY name'),
    series: db.prepare('SELECT id, service, instance, labels FROM series WHERE name = ?'),
    allSeries: db.prepare('SELECT name, service, labels FROM series'),
    points: db
      .prepare(
        `SELECT time_ns, start_ns, value, count, sum, buckets, bounds FROM points
         WHERE series_id = ? AND time_ns > ? AND time_ns <= ? ORDER BY time_ns`,
      )
      .safeIntegers(true),
    before: db
      .prepare(
        `SELECT time_ns, start_ns, value, count, sum, buckets, bounds FROM points
         WHERE series_id = ? AND time_ns <= ? ORDER BY time_ns DESC LIMIT 1`,
      )
      .safeIntegers(true),
  };

  function list(): MetricInfo[] {
    const keys = new Map<string, Set<string>>();
    const services = new Map<string, Set<string>>();
    for (const s of stmt.allSeries.all() as { name: string; service: string; labels: string }[]) {
      const k = keys.get(s.name) ?? new Set(['service']);
      for (const key of Object.keys(JSON.parse(s.labels) as object)) k.add(key);
      keys.set(s.name, k);
      services.set(s.name, (services.get(s.name) ?? new Set()).add(s.service));
    }
    return (stmt.metrics.all() as MetricRow[]).map((row) => {
      const type = kindOf(row);
      const names = prometheusNamesOf(row.name, type);
      return {
        name: names.name,
        otlpName: row.name,
        type,
        unit: row.unit,
        description: row.description,
        labels: [...(keys.get(row.name) ?? ['service'])].sort(),
        prometheusNames: names.all,
        services: [...(services.get(row.name) ?? [])].sort(),
        temporality: row.temporality === 1 ? 'delta' : row.temporality === 2 ? 'cumulative' : null,
      };
    });
  }

  function resolve(name: string): { metric: MetricRow; kind: MetricKind; part: Part } {
    for (const metric of stmt.metrics.all() as MetricRow[]) {
      const kind = kindOf(metric);
      const { name: base } = prometheusNamesOf(metric.name, kind);
      if (name === metric.name || name === base)
        return { metric, kind, part: kind === 'histogram' ? 'bucket' : 'value' };
      if (kind === 'histogram' || kind === 'exponential_histogram' || kind === 'summary') {
        for (const part of ['count', 'sum', 'bucket'] as const)
          if (name === `${base}_${part}`) return { metric, kind, part };
      }
    }
    throw new QueryError('name', `no metric named "${name}" has been received`);
  }

  function samplesOf(seriesId: number, fromNs: bigint, toNs: bigint): PointRow[] {
    const previous = stmt.before.get(seriesId, fromNs) as PointRow | undefined;
    const rows = stmt.points.all(seriesId, fromNs, toNs) as PointRow[];
    return previous ? [previous, ...rows] : rows;
  }

  function query(q: MetricQuery) {
    const { metric, kind, part } = resolve(q.name);
    const isHistogram =
      kind === 'histogram' || kind === 'exponential_histogram' || kind === 'summary';
    const fn: Fn =
      q.fn ??
      (isHistogram ? (part === 'bucket' ? 'p95' : 'rate') : kind === 'counter' ? 'rate' : 'last');
    if (!isHistogram && ['sum', 'avg', 'p50', 'p90', 'p95', 'p99'].includes(fn))
      throw new QueryError('fn', `fn=${fn} needs a histogram; ${q.name} is a ${kind}`);
    if ((kind === 'gauge' || kind === 'updowncounter') && fn !== 'last')
      throw new QueryError('fn', `fn=${fn} is meaningless for the ${kind} ${q.name}; use fn=last`);
    if (fn.startsWith('p') && kind !== 'histogram')
      throw new QueryError('fn', `quantiles need explicit buckets; ${q.name} is a ${kind}`);
    const delta = metric.temporality === 1;
    const span = windows(q.fromMs, q.toMs, q.stepMs);
    const fromNs = BigInt(Math.floor(q.fromMs)) * 1_000_000n;
    const toNs = BigInt(Math.ceil(q.toMs)) * 1_000_000n;

    const groups = new Map<string, { labels: Record<string, string>; rows: PointRow[][] }>();
    for (const s of stmt.series.all(metric.name) as SeriesRow[]) {
      const labels: Record<string, string> = {
        ...(JSON.parse(s.labels) as Record<string, string>),
        service: s.service,
      };
      if (s.instance) labels.instance = s.instance;
      const matches = q.where.every((w) => w.values.includes(labels[w.label] ?? '') !== w.negate);
      if (!matches) continue;
      const key = q.by.map((b) => labels[b] ?? '').join('\u0000');
      const group = groups.get(key) ?? {
        labels: Object.fromEntries(q.by.map((b) => [b, labels[b] ?? ''])),
        rows: [],
      };
      group.rows.push(samplesOf(s.id, fromNs, toNs));
      groups.set(key, group);
    }

    const toSample = (r: PointRow): Sample => ({
      t: Number(r.time_ns) / 1e6,
      start: Number(r.start_ns) / 1e6,
      v: part === 'sum' ? (r.sum ?? 0) : (r.value ?? Number(r.count ?? 0)),
    });
    const toVector = (r: PointRow): VectorSample => ({
      ...toSample(r),
      v: Number(r.count ?? 0),
      vec: [...(JSON.parse(r.buckets ?? '[]') as number[]), r.sum ?? 0, Number(r.count ?? 0)],
    });
    const seriesOut: SeriesResult[] = [];
    const vectorsNeeded = isHistogram && (part === 'bucket' || !['increase', 'rate'].includes(fn));
    for (const group of groups.values()) {
      const prepared = group.rows.map((rows) => ({
        rows,
        samples: rows.map(toSample),
        vectors: vectorsNeeded ? rows.map(toVector) : [],
      }));
      const points: [number, number | null][] = span.map(([a, b]) => {
        const seconds = (b - a) / 1000;
        if (fn === 'last') {
          let total: number | undefined;
          for (const { samples } of prepared) {
            const v = lastValue(samples, b, STALE_MS);
            if (v !== undefined) total = (total ?? 0) + v;
          }
          return [b, total ?? null];
        }
        if (vectorsNeeded) {
          const parts: { bounds: number[]; vec: number[] }[] = [];
          for (const { rows, vectors } of prepared) {
            const vec = delta
              ? vectors
                  .filter((s) => s.t > a && s.t <= b)
                  .reduce<number[] | undefined>(
                    (acc, s) => (acc ? acc.map((x, i) => x + (s.vec[i] ?? 0)) : [...s.vec]),
                    undefined,
                  )
              : increaseCumulativeVector(vectors, a, b);
            const last = rows[rows.length - 1];
            if (vec && last)
              parts.push({ bounds: JSON.parse(last.bounds ?? '[]') as number[], vec });
          }
          if (parts.length === 0) return [b, null];
          if (fn === 'sum' || fn === 'avg') {
            const sum = parts.reduce((n, p) => n + p.vec[p.vec.length - 2]!, 0);
            const count = parts.reduce((n, p) => n + p.vec[p.vec.length - 1]!, 0);
            return [b, fn === 'sum' ? sum : count > 0 ? sum / count : null];
          }
          if (fn === 'increase' || fn === 'rate') {
            const count = parts.reduce((n, p) => n + p.vec[p.vec.length - 1]!, 0);
            return [b, fn === 'rate' ? count / seconds : count];
          }
          const merged = mergeBuckets(
            parts.map((p) => ({ bounds: p.bounds, counts: p.vec.slice(0, p.bounds.length + 1) })),
          );
          const quantile = merged ? histogramQuantile(Number(fn.slice(1)) / 100, merged) : NaN;
          return [b, Number.isNaN(quantile) ? null : quantile];
        }
        let total = 0;
        let any = false;
        for (const { samples } of prepared) {
          const grown = delta ? increaseDelta(samples, a, b) : increaseCumulative(samples, a, b);
          if (grown === undefined) continue;
          total += grown;
          any = true;
        }
        if (!any) return [b, null];
        return [b, fn === 'rate' ? total / seconds : total];
      });
      seriesOut.push({ labels: group.labels, points });
    }
    seriesOut.sort((x, y) => JSON.stringify(x.labels).localeCompare(JSON.stringify(y.labels)));
    return { name: q.name, fn, stepMs: q.stepMs, series: seriesOut };
  }

  return { list, query };
}
