// Grafana's links between signals: exemplars that open traces Tempo kept, and trace → logs.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { metricNames } from '../../src/queries.js';

const path = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));
const yaml = (p: string) => parse(readFileSync(path(p), 'utf8'));
const collector = yaml('observability/config/otel-collector.yaml');
const dashboardDir = path('observability/config/grafana/dashboards');
const targets = readdirSync(dashboardDir).flatMap((f) => {
  const d = JSON.parse(readFileSync(`${dashboardDir}/${f}`, 'utf8'));
  return d.panels.flatMap((p: { title: string; targets: { expr: string; exemplar?: boolean }[] }) =>
    p.targets.map((t) => ({ where: `${d.title} / ${p.title}`, ...t })),
  );
});

describe('exemplars', () => {
  // The Node metrics SDK (sdk-metrics 2.12) exports no exemplars (opentelemetry-js#5147); the
  // collector's spanmetrics connector attaches them to its duration histogram, whose buckets are
  // where Prometheus stores them after remote write.
  const FROM_SPANMETRICS = 'traces_span_metrics_duration_seconds_bucket';
  const policies = collector.processors.tail_sampling.policies as { name: string; type: string }[];
  const withExemplars = targets.filter((t) => t.exemplar);

  it('are asked for on some panels', () => {
    expect(withExemplars.length).toBeGreaterThanOrEqual(3);
    expect(collector.connectors.spanmetrics.exemplars.enabled).toBe(true);
  });

  it.each(withExemplars.map((t) => [t.where, t.expr]))(
    '%s queries only span-metric histograms, which carry exemplars',
    (_, expr) => {
      expect(metricNames(expr)).toEqual([FROM_SPANMETRICS]);
    },
  );

  it.each(withExemplars.map((t) => [t.where, t.expr]))(
    '%s selects spans whose traces tail sampling always keeps',
    (_, expr) => {
      // Exemplars are taken before sampling; only these selections point at kept traces.
      const kept = [
        { selector: 'status_code="STATUS_CODE_ERROR"', policy: 'errors' },
        { selector: 'payment_outcome="declined"', policy: 'declined-payments' },
      ].filter((k) => expr.includes(k.selector));
      expect(kept.length, expr).toBeGreaterThan(0);
      for (const k of kept) expect(policies.map((p) => p.name)).toContain(k.policy);
      if (expr.includes('payment_outcome'))
        expect(collector.connectors.spanmetrics.dimensions).toContainEqual({
          name: 'payment.outcome',
        });
    },
  );
});

describe('trace to logs', () => {
  const tempo = (
    yaml('observability/config/grafana/provisioning/datasources/datasources.yaml').datasources as {
      uid: string;
      jsonData: Record<string, Record<string, unknown>>;
    }[]
  ).find((d) => d.uid === 'tempo')!;
  const link = tempo.jsonData.tracesToLogsV2!;

  it("queries the trace id's structured-metadata field in the span's service stream", () => {
    expect(link.customQuery).toBe(true);
    // `$$` is provisioning's escape for `$`: Grafana receives `{${__tags}} | trace_id="${__span.traceId}"`.
    expect(link.query).toBe('{$${__tags}} | trace_id="$${__span.traceId}"');
    expect(link.tags).toEqual([{ key: 'service.name', value: 'service_name' }]);
    const loki = yaml('observability/config/loki.yaml');
    const indexed = loki.limits_config.otlp_config.resource_attributes.attributes_config.flatMap(
      (c: { action: string; attributes: string[] }) =>
        c.action === 'index_label' ? c.attributes : [],
    );
    expect(indexed).toContain('service.name');
    expect(loki.limits_config.allow_structured_metadata).toBe(true);
  });
});
