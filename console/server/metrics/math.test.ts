import { describe, expect, it } from 'vitest';
import {
  histogramQuantile,
  increaseCumulative,
  increaseCumulativeVector,
  increaseDelta,
  lastValue,
  mergeBuckets,
  runs,
  windows,
} from './math.js';

const s = (t: number, v: number, start = 0) => ({ t, v, start });

describe('cumulative counters', () => {
  it('adds what each process counted across a restart (new start time)', () => {
    // Run 1 started at 0 and reached 10; run 2 started at 35 and reached 4.
    const samples = [s(10, 3, 1), s(20, 7, 1), s(30, 10, 1), s(40, 2, 35), s(50, 4, 35)];
    expect(runs(samples)).toHaveLength(2);
    expect(increaseCumulative(samples, 0, 50)).toBe(14);
    expect(increaseCumulative(samples, 20, 50)).toBe(3 + 4);
    expect(increaseCumulative(samples, 30, 40)).toBe(2);
  });

  it('detects a reset by a drop in value when no start time is sent', () => {
    const samples = [s(10, 5), s(20, 9), s(30, 1), s(40, 6)];
    expect(runs(samples).map((r) => r.samples.length)).toEqual([2, 2]);
    // Before the first sample nothing is known of the first run; the second counted from zero.
    expect(increaseCumulative(samples, 0, 40)).toBe(9 - 5 + 6);
    expect(increaseCumulative(samples, 20, 40)).toBe(6);
  });

  it('counts a run born inside the window from zero, so totals equal what was counted', () => {
    const samples = [s(100, 4, 95), s(110, 9, 95)];
    expect(increaseCumulative(samples, 90, 110)).toBe(9);
    expect(increaseCumulative(samples, 100, 110)).toBe(5);
    expect(increaseCumulative(samples, 0, 50)).toBeUndefined();
  });

  it('never goes negative and ignores samples after the window', () => {
    const samples = [s(10, 5, 1), s(20, 5, 1), s(30, 8, 1)];
    expect(increaseCumulative(samples, 10, 20)).toBe(0);
    expect(increaseCumulative(samples, 10, 25)).toBe(0);
  });

  it('grows histogram buckets together with their count', () => {
    const v = (t: number, count: number, buckets: number[], start: number) => ({
      t,
      start,
      v: count,
      vec: [...buckets, count],
    });
    const samples = [v(10, 3, [1, 2, 0], 1), v(20, 6, [2, 3, 1], 1), v(30, 2, [1, 1, 0], 25)];
    expect(increaseCumulativeVector(samples, 10, 30)).toEqual([1 + 1, 1 + 1, 1, 3 + 2]);
  });
});

describe('deltas and gauges', () => {
  it('sums delta samples in the window', () => {
    expect(increaseDelta([s(10, 1), s(20, 2), s(30, 4)], 10, 30)).toBe(6);
  });

  it('takes the last value unless it is stale', () => {
    const samples = [s(10, 1), s(20, 2)];
    expect(lastValue(samples, 25, 100)).toBe(2);
    expect(lastValue(samples, 15, 100)).toBe(1);
    expect(lastValue(samples, 500, 100)).toBeUndefined();
  });
});

describe('histogram quantiles (as PromQL histogram_quantile)', () => {
  const h = { bounds: [0.1, 0.5, 1], counts: [10, 30, 40, 20] };

  it('interpolates inside the bucket holding the rank', () => {
    // 100 observations; p50 is rank 50: 10 below 0.1, 30 in (0.1,0.5], so 10 into (0.5,1] of 40.
    expect(histogramQuantile(0.5, h)).toBeCloseTo(0.5 + 0.5 * (10 / 40));
    expect(histogramQuantile(0.05, h)).toBeCloseTo(0.05);
    expect(histogramQuantile(0.25, h)).toBeCloseTo(0.1 + 0.4 * (15 / 30));
  });

  it('answers the highest finite bound for a rank in +Inf, NaN when empty', () => {
    expect(histogramQuantile(0.95, h)).toBe(1);
    expect(histogramQuantile(0.5, { bounds: [1], counts: [0, 0] })).toBeNaN();
  });

  it('merges histograms by bound', () => {
    expect(
      mergeBuckets([
        { bounds: [1, 2], counts: [1, 1, 1] },
        { bounds: [1, 5], counts: [2, 2, 2] },
      ]),
    ).toEqual({ bounds: [1, 2, 5], counts: [3, 1, 2, 3] });
  });
});

describe('windows', () => {
  it('tiles the range, clipping the last window', () => {
    expect(windows(0, 25, 10)).toEqual([
      [0, 10],
      [10, 20],
      [20, 25],
    ]);
  });
});
