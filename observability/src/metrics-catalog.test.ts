import { describe, expect, it } from 'vitest';
import {
  allPrometheusNames,
  metricsCatalog,
  prometheusNames,
  type MetricSpec,
} from './metrics-catalog.js';

describe('metrics catalog', () => {
  const specs = Object.values(metricsCatalog as Record<string, MetricSpec>);

  it('keeps the reference business metric names', () => {
    expect(allPrometheusNames()).toEqual(
      expect.arrayContaining(['webstore_funnel_stage_total', 'webstore_customer_segment_total']),
    );
  });

  it('names every metric in snake_case with the webstore_ prefix and no _total on the base name', () => {
    for (const spec of specs) {
      expect(spec.name).toMatch(/^webstore_[a-z0-9_]+$/);
      expect(spec.name.endsWith('_total')).toBe(false);
    }
  });

  it('gives histograms buckets and expands them to three series', () => {
    for (const spec of specs.filter((s) => s.kind === 'histogram')) {
      expect(spec.buckets?.length).toBeGreaterThan(3);
      expect(prometheusNames(spec)).toHaveLength(3);
    }
  });

  it('has unique names', () => {
    const names = allPrometheusNames();
    expect(new Set(names).size).toBe(names.length);
  });
});
