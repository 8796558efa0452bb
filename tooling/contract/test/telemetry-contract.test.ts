// The telemetry contract: the local stack runs under generated traffic while a real Prometheus
// (Debian's) scrapes every service and evaluates our rules. Every metric a dashboard, alert or
// recording rule names must exist, and every dashboard query and learning-path query must return
// data. The original system shipped dashboards for metrics it never emitted; this is the guard.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allPrometheusNames } from '@webstore/observability/metrics-catalog';
import {
  LEARNING_PATH_QUERIES,
  metricNames,
  panelQueries,
  ruleFiles,
  rules,
  withoutGrafanaMacros,
} from '@webstore/observability/queries';
import { TOPICS } from '@webstore/schemas';
import { startStack, type Stack } from '@webstore/stack';
import { waitFor } from '@webstore/testkit';
import { runTraffic, scenarios } from '@webstore/traffic';
import {
  startPrometheus,
  waitForTargetsUp,
  type RunningPrometheus,
} from '@webstore/stack/prometheus';

/** Every metric name a dashboard, alert, recording rule or the learning path uses. */
function usedMetricNames(): { used: Set<string>; recorded: Set<string> } {
  const catalog = new Set(allPrometheusNames());
  const recorded = new Set(
    rules()
      .filter((r) => r.record)
      .map((r) => r.record!),
  );
  const used = new Set(
    [
      ...panelQueries()
        .filter((q) => q.datasource === 'prometheus')
        .map((q) => q.expr),
      ...rules().map((r) => r.expr),
      ...LEARNING_PATH_QUERIES,
    ]
      .flatMap(metricNames)
      .filter((name) => catalog.has(name) || recorded.has(name)),
  );
  return { used, recorded };
}

// Only the full stack has these: the collector derives them from spans (span metrics, service
// graph), and SLO alerts exist only while one fires.
const FULL_STACK_ONLY =
  /traces_span_metrics_|traces_service_graph_|slo="checkout-availability"|ALERTS/;

let stack: Stack;
let prometheus: RunningPrometheus;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'contract-'));
  // With the console as the OTLP endpoint, as `npm start` runs it: the same metrics reach
  // Prometheus (scraped) and the console (pushed over OTLP).
  stack = await startStack({
    dataDir,
    console: true,
    env: { PAYMENT_LATENCY_MS: '5', OTEL_METRIC_EXPORT_INTERVAL: '2000' },
  });
  const services = ['gateway', 'inventory', 'payment', 'analytics'] as const;
  prometheus = await startPrometheus({
    targets: services.map((job) => ({ job, address: new URL(stack.urls[job]).host })),
    ruleFiles: ruleFiles(),
  });
  await waitForTargetsUp(prometheus, [...services]);
  // A poison message, so the dead-letter metrics exist too.
  const kafka = new kafkajs.Kafka({
    brokers: [stack.kafkaBrokers],
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: TOPICS.orders,
    messages: [
      {
        key: 'poison',
        value: 'not json',
        headers: {
          ce_type: 'com.webstore.order.placed.v1',
          ce_id: 'p',
          ce_source: '/t',
          ce_time: new Date().toISOString(),
        },
      },
    ],
  });
  await producer.disconnect();
  await runTraffic({
    url: stack.urls.gateway,
    users: 4,
    durationSeconds: 12,
    scenario: scenarios['brazil-outage']!,
    seed: 3,
  });
});

afterAll(async () => {
  await prometheus?.stop();
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('telemetry contract (local stack, real Prometheus)', () => {
  it('exposes every metric of the catalog that dashboards, alerts and rules use', async () => {
    const { used, recorded } = usedMetricNames();
    let present = new Set<string>();
    await waitFor(
      async () => {
        present = new Set(await prometheus.metricNames());
        return [...used].every((name) => present.has(name) || recorded.has(name));
      },
      { timeoutMs: 30_000, message: 'every used metric scraped' },
    );
    expect([...used].filter((name) => !present.has(name) && !recorded.has(name))).toEqual([]);
    expect(used.size).toBeGreaterThan(10);
  });

  it('answers every dashboard panel and learning-path query with data', async () => {
    const queries = [
      ...panelQueries()
        .filter((q) => q.datasource === 'prometheus')
        .map((q) => ({ where: `${q.dashboard} / ${q.panel}`, expr: q.expr })),
      ...LEARNING_PATH_QUERIES.map((expr) => ({ where: 'learning path', expr })),
    ];
    const local = queries.filter((q) => !FULL_STACK_ONLY.test(q.expr));
    expect(local.length).toBeGreaterThan(25);
    let empty: string[] = [];
    await waitFor(
      async () => {
        const results = await Promise.all(
          local.map(async (q) => ({
            q,
            result: await prometheus.query(withoutGrafanaMacros(q.expr)),
          })),
        );
        empty = results
          .filter((r) => r.result.result.length === 0)
          .map((r) => `${r.q.where}: ${r.q.expr}`);
        return empty.length === 0;
      },
      { timeoutMs: 60_000, message: 'every query returns data' },
    ).catch(() => undefined);
    expect(empty).toEqual([]);
  });

  it('delivers every metric the dashboards use to the console too, under the same names', async () => {
    const { used, recorded } = usedMetricNames();
    const wanted = [...used].filter((name) => !recorded.has(name));
    let missing: string[] = [];
    await waitFor(
      async () => {
        const response = await fetch(`${stack.urls.console}/api/metrics`);
        const { metrics } = (await response.json()) as {
          metrics: { name: string; prometheusNames: string[] }[];
        };
        const names = new Set(metrics.flatMap((m) => [m.name, ...m.prometheusNames]));
        missing = wanted.filter((name) => !names.has(name));
        return missing.length === 0;
      },
      { timeoutMs: 30_000, message: 'every used metric in the console' },
    ).catch(() => undefined);
    expect(missing).toEqual([]);
    expect(wanted.length).toBeGreaterThan(10);
  });

  it('evaluates the SLO recording rules that local metrics feed', async () => {
    await waitFor(
      async () => {
        const r = await prometheus.query('slo:sli_error:ratio_rate5m');
        const slos = new Set(r.result.map((s) => s.metric.slo));
        return slos.has('order-completion-latency') && slos.has('consumer-freshness');
      },
      { timeoutMs: 30_000, message: 'SLO error ratios recorded' },
    );
  });
});
