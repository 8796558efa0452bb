import { startOtlpReceiver, waitFor, type FlatMetric } from '@webstore/testkit';
import { describe, expect, it } from 'vitest';
import { allPrometheusNames, metricsCatalog, type MetricSpec } from '../src/metrics-catalog.js';
import { prometheusSeriesNames, startFixture } from './fixture.js';

// Units the Collector's Prometheus translation knows; our catalog sets none, and this proves it.
const UNIT_SUFFIXES: Record<string, string> = {
  s: 'seconds',
  ms: 'milliseconds',
  By: 'bytes',
  '1': 'ratio',
};

/** The series names the Collector's Prometheus exporters derive from an OTLP metric. */
function collectorPrometheusNames(metric: FlatMetric): string[] {
  let name = metric.name.replace(/[^a-zA-Z0-9_:]/g, '_');
  const unit = metric.unit ? (UNIT_SUFFIXES[metric.unit] ?? metric.unit) : undefined;
  if (unit && !name.endsWith(`_${unit}`)) name = `${name}_${unit}`;
  if (metric.type === 'histogram') return ['_bucket', '_sum', '_count'].map((s) => `${name}${s}`);
  if (metric.type === 'sum' && metric.monotonic) return [`${name}_total`];
  return [name];
}

describe('metric names', () => {
  it('are identical on /metrics and over OTLP (after the Collector translation), and equal the catalog, with the catalog buckets', async () => {
    const rx = await startOtlpReceiver();
    const app = await startFixture({
      OTEL_EXPORTER_OTLP_ENDPOINT: rx.grpcEndpoint,
      OTEL_METRIC_EXPORT_INTERVAL: '200',
    });
    try {
      expect((await fetch(`${app.url}/record-catalog`, { method: 'POST' })).status).toBe(200);
      const expected = [...allPrometheusNames()].sort();

      const scraped = prometheusSeriesNames(
        await (await fetch(`${app.url}/metrics`)).text(),
      ).filter((n) => n.startsWith('webstore_'));
      expect(scraped).toEqual(expected);

      const catalogMetrics = await waitFor(
        () => {
          const webstore = rx.metrics().filter((m) => m.name.startsWith('webstore_'));
          return new Set(webstore.map((m) => m.name)).size === Object.keys(metricsCatalog).length
            ? webstore
            : undefined;
        },
        { message: 'every catalog metric over OTLP' },
      );
      const overOtlp = [...new Set(catalogMetrics.flatMap(collectorPrometheusNames))].sort();
      expect(overOtlp).toEqual(expected);
      expect(catalogMetrics.every((m) => m.unit === undefined)).toBe(true);
      for (const spec of Object.values(metricsCatalog as Record<string, MetricSpec>)) {
        if (spec.kind !== 'histogram') continue;
        const metric = catalogMetrics.find((m) => m.name === spec.name);
        expect(metric?.dataPoints[0]?.explicitBounds, spec.name).toEqual(spec.buckets);
      }
      expect(catalogMetrics[0]?.resource).toMatchObject({
        'service.name': 'fixture',
        'service.version': '0.1.0',
        'deployment.environment': 'local',
      });
    } finally {
      await app.service.stop();
      await rx.close();
    }
  });
});
