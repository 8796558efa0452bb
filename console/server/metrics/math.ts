// The arithmetic behind metric queries, on one series' samples at a time. Cumulative counters are
// split into runs (a process lifetime: one OTLP start time, or a drop in value when no start time
// is sent), so an increase across a restart adds what each run counted instead of going negative.
// Unlike PromQL's increase(), nothing is extrapolated, and a run whose start time falls inside a
// window counts from zero, so totals over a range equal what was counted.

export interface Sample {
  /** Sample time, ms. */
  t: number;
  /** OTLP start time of the cumulative run, ms; 0 when unknown. */
  start: number;
  v: number;
}

interface Run<S extends Sample = Sample> {
  /** When the run began counting from zero; -Infinity when unknown. */
  origin: number;
  samples: S[];
}

/** Splits cumulative samples (sorted by time) into runs at each reset. */
export function runs<S extends Sample>(samples: readonly S[]): Run<S>[] {
  const result: Run<S>[] = [];
  let current: Run<S> | undefined;
  let previous: S | undefined;
  for (const s of samples) {
    const reset =
      previous !== undefined &&
      ((s.start > 0 && previous.start > 0 && s.start !== previous.start) || s.v < previous.v);
    if (!current || reset) {
      const origin = s.start > 0 ? s.start : previous ? previous.t : -Infinity;
      current = { origin, samples: [] };
      result.push(current);
    }
    current.samples.push(s);
    previous = s;
  }
  return result;
}

/** The run's sample at time t; 'zero' between its origin and its first sample; else undefined. */
function sampleAt<S extends Sample>(run: Run<S>, t: number): S | 'zero' | undefined {
  let found: S | undefined;
  for (const s of run.samples) {
    if (s.t > t) break;
    found = s;
  }
  if (found) return found;
  return Number.isFinite(run.origin) && t >= run.origin ? 'zero' : undefined;
}

/** Start and end samples of each run's growth in (a, b]. */
function* growth<S extends Sample>(
  samples: readonly S[],
  a: number,
  b: number,
): Generator<[S | 'zero', S | 'zero']> {
  for (const run of runs(samples)) {
    const end = sampleAt(run, b);
    if (end === undefined) continue;
    // Born after a: counted from zero. Older than the data held: its growth before the first
    // sample in the window is unknown, so it counts from that sample.
    const begin =
      sampleAt(run, a) ??
      (Number.isFinite(run.origin)
        ? 'zero'
        : (run.samples.find((s) => s.t > a && s.t <= b) ?? end));
    yield [begin, end];
  }
}

const valueOf = (s: Sample | 'zero') => (s === 'zero' ? 0 : s.v);

/** How much a cumulative counter grew in (a, b]; undefined when no run existed then. */
export function increaseCumulative(
  samples: readonly Sample[],
  a: number,
  b: number,
): number | undefined {
  let total: number | undefined;
  for (const [begin, end] of growth(samples, a, b))
    total = (total ?? 0) + Math.max(0, valueOf(end) - valueOf(begin));
  return total;
}

export interface VectorSample extends Sample {
  /** Cumulative components that reset together with `v` (a histogram's bucket counts and sum). */
  vec: number[];
}

/** Element-wise growth in (a, b] of cumulative vectors; undefined when nothing is known. */
export function increaseCumulativeVector(
  samples: readonly VectorSample[],
  a: number,
  b: number,
): number[] | undefined {
  let total: number[] | undefined;
  for (const [begin, end] of growth(samples, a, b)) {
    if (end === 'zero') continue;
    const base = begin === 'zero' ? undefined : begin.vec;
    if (base && base.length !== end.vec.length) continue;
    const diff = end.vec.map((x, i) => Math.max(0, x - (base ? base[i]! : 0)));
    total = total ? total.map((x, i) => x + (diff[i] ?? 0)) : diff;
  }
  return total;
}

/** Sum of delta samples in (a, b]; undefined when there is none. */
export function increaseDelta(
  samples: readonly Sample[],
  a: number,
  b: number,
): number | undefined {
  let total: number | undefined;
  for (const s of samples) if (s.t > a && s.t <= b) total = (total ?? 0) + s.v;
  return total;
}

/** The last value at or before b, if not older than `staleMs` (PromQL's lookback). */
export function lastValue(
  samples: readonly Sample[],
  b: number,
  staleMs: number,
): number | undefined {
  let value: number | undefined;
  for (const s of samples) {
    if (s.t > b) break;
    value = b - s.t <= staleMs ? s.v : undefined;
  }
  return value;
}

export interface Buckets {
  /** Upper bounds, ascending; an implicit +Inf bucket follows. */
  bounds: number[];
  /** Per-bucket counts (not cumulative), bounds.length + 1 of them. */
  counts: number[];
}

/** Adds histograms whose bounds may differ (merged by bound value). */
export function mergeBuckets(list: readonly Buckets[]): Buckets | undefined {
  if (list.length === 0) return undefined;
  const byBound = new Map<number, number>();
  for (const h of list) {
    h.counts.forEach((c, i) => {
      const bound = i < h.bounds.length ? h.bounds[i]! : Infinity;
      byBound.set(bound, (byBound.get(bound) ?? 0) + c);
    });
  }
  const bounds = [...byBound.keys()].filter((b) => b !== Infinity).sort((x, y) => x - y);
  return {
    bounds,
    counts: [...bounds.map((b) => byBound.get(b)!), byBound.get(Infinity) ?? 0],
  };
}

/**
 * The q-quantile of a histogram, as PromQL's histogram_quantile: linear interpolation inside the
 * bucket holding the rank; the first bucket starts at 0; a rank in the +Inf bucket answers the
 * highest finite bound. NaN when the histogram is empty.
 */
export function histogramQuantile(q: number, h: Buckets): number {
  const total = h.counts.reduce((n, c) => n + c, 0);
  if (total === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const rank = q * total;
  let cumulative = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const before = cumulative;
    cumulative += h.counts[i]!;
    if (cumulative < rank || h.counts[i] === 0) continue;
    if (i >= h.bounds.length) return h.bounds[h.bounds.length - 1] ?? NaN;
    const upper = h.bounds[i]!;
    const lower = i === 0 ? (upper > 0 ? 0 : upper) : h.bounds[i - 1]!;
    if (i === 0 && upper <= 0) return upper;
    return lower + (upper - lower) * ((rank - before) / h.counts[i]!);
  }
  return h.bounds[h.bounds.length - 1] ?? NaN;
}

/** Window ends for a range: (from, from+step], (from+step, from+2·step], … clipped to `to`. */
export function windows(from: number, to: number, step: number): [number, number][] {
  const result: [number, number][] = [];
  for (let start = from; start < to; start += step)
    result.push([start, Math.min(start + step, to)]);
  return result;
}
