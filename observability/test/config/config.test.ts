// The observability configuration, checked with the real tools this machine has (promtool,
// amtool) and structurally where no tool runs here (collector, Tempo, Loki, Grafana).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { allPrometheusNames } from '../../src/metrics-catalog.js';
import {
  LEARNING_PATH_QUERIES,
  metricNames,
  panelQueries as readPanelQueries,
  rules as readRules,
  ruleFiles as listRuleFiles,
  withoutGrafanaMacros,
} from '../../src/queries.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const config = (path: string) => join(root, 'config', path);
const yaml = (path: string) => parse(readFileSync(config(path), 'utf8'));
const topology = JSON.parse(readFileSync(config('topology.json'), 'utf8'));
const run = (cmd: string, args: string[], cwd = root) =>
  spawnSync(cmd, args, { cwd, encoding: 'utf8' });

const ruleFiles = listRuleFiles();
const rules = readRules();
const dashboards = readdirSync(config('grafana/dashboards')).map((f) =>
  JSON.parse(readFileSync(config(`grafana/dashboards/${f}`), 'utf8')),
);
const panelQueries = readPanelQueries();

describe('Prometheus', () => {
  it('promtool accepts the configuration and every rule file', () => {
    const checked = run('promtool', [
      'check',
      'config',
      '--syntax-only',
      config('prometheus/prometheus.yml'),
    ]);
    expect(checked.status, checked.stdout + checked.stderr).toBe(0);
    const rulesCheck = run('promtool', ['check', 'rules', ...ruleFiles]);
    expect(rulesCheck.status, rulesCheck.stdout + rulesCheck.stderr).toBe(0);
  });

  it('passes every promtool unit test', () => {
    const dir = config('prometheus');
    const tests = readdirSync(join(dir, 'tests')).map((f) => `tests/${f}`);
    const result = run('promtool', ['test', 'rules', ...tests], dir);
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });

  it('has a unit test for every alert', () => {
    const tested = readdirSync(config('prometheus/tests'))
      .map((f) => readFileSync(config(`prometheus/tests/${f}`), 'utf8'))
      .join('\n');
    const alerts = [...new Set(rules.filter((r) => r.alert).map((r) => r.alert!))];
    expect(alerts).toEqual(
      expect.arrayContaining([
        'ServiceDown',
        'PaymentDeclineRateHigh',
        'ConsumerLagHigh',
        'DeadLetterQueueGrowing',
        'SLOFastBurn',
        'SLOSlowBurn',
      ]),
    );
    for (const alert of alerts)
      expect(tested, `a test for ${alert}`).toMatch(new RegExp(`alertname: ${alert}\\b`));
  });

  it('has every alert carrying summary, description and runbook', () => {
    for (const r of rules.filter((x) => x.alert)) {
      expect(Object.keys(r.annotations ?? {}).sort(), r.alert).toEqual([
        'description',
        'runbook',
        'summary',
      ]);
      expect(r.labels?.severity, r.alert).toMatch(/^(page|ticket|warning)$/);
      expect(r.labels?.team, r.alert).toBeTruthy();
    }
  });

  it('keeps the generated SLO rules and dashboards up to date', () => {
    execFileSync(process.execPath, ['scripts/generate-slo-rules.js', '--check'], { cwd: root });
    execFileSync(process.execPath, ['scripts/generate-dashboards.js', '--check'], { cwd: root });
  });

  it('sends alerts to the Alertmanager and loads rules from the mounted directory', () => {
    const prom = yaml('prometheus/prometheus.yml');
    expect(prom.alerting.alertmanagers[0].static_configs[0].targets).toEqual([
      `alertmanager:${topology.alertmanager.http}`,
    ]);
    expect(prom.rule_files).toEqual(['/etc/prometheus/rules/*.yml']);
  });
});

describe('Alertmanager', () => {
  const file = config('alertmanager/alertmanager.yml');

  it('amtool accepts the configuration', () => {
    const result = run('amtool', ['check-config', file]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });

  it.each([
    [['severity=page', 'team=payments', 'alertname=ServiceDown'], 'oncall-pager'],
    [['severity=warning', 'team=payments', 'alertname=PaymentDeclineRateHigh'], 'payments-queue'],
    [['severity=ticket', 'team=checkout', 'alertname=SLOSlowBurn'], 'checkout-queue'],
    [['severity=warning', 'team=platform', 'alertname=ConsumerLagHigh'], 'platform-queue'],
    [['severity=warning', 'alertname=Unowned'], 'platform-queue'],
  ])('routes %j to %s', (labels, receiver) => {
    const result = run('amtool', [
      'config',
      'routes',
      'test',
      `--config.file=${file}`,
      `--verify.receivers=${receiver}`,
      ...labels,
    ]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(receiver);
  });

  it('inhibits a service’s other alerts while it is down', () => {
    const am = yaml('alertmanager/alertmanager.yml');
    expect(am.inhibit_rules).toContainEqual(
      expect.objectContaining({ source_matchers: ['alertname="ServiceDown"'], equal: ['service'] }),
    );
  });
});

describe('OpenTelemetry Collector', () => {
  const collector = yaml('otel-collector.yaml');
  const pipelines = collector.service.pipelines as Record<
    string,
    { receivers: string[]; processors?: string[]; exporters: string[] }
  >;

  it('defines every component a pipeline uses, and uses every component it defines', () => {
    const used = {
      receivers: new Set<string>(),
      processors: new Set<string>(),
      exporters: new Set<string>(),
    };
    for (const p of Object.values(pipelines)) {
      p.receivers.forEach((r) => used.receivers.add(r));
      (p.processors ?? []).forEach((r) => used.processors.add(r));
      p.exporters.forEach((r) => used.exporters.add(r));
    }
    const connectors = Object.keys(collector.connectors);
    for (const r of used.receivers)
      expect(collector.receivers[r] !== undefined || connectors.includes(r), r).toBe(true);
    for (const r of used.processors) expect(collector.processors[r], r).toBeDefined();
    for (const r of used.exporters)
      expect(collector.exporters[r] !== undefined || connectors.includes(r), r).toBe(true);
    for (const c of connectors)
      expect(used.receivers.has(c) && used.exporters.has(c), `connector ${c} both ends`).toBe(true);
    for (const kind of ['receivers', 'processors', 'exporters'] as const) {
      for (const name of Object.keys(collector[kind]))
        expect(used[kind].has(name), `${kind}.${name} is used`).toBe(true);
    }
    for (const ext of collector.service.extensions) expect(collector.extensions[ext]).toBeDefined();
  });

  it('computes span metrics and the service graph before tail sampling', () => {
    const ingest = Object.values(pipelines).find((p) => p.exporters.includes('spanmetrics'))!;
    expect(ingest.exporters).toEqual(
      expect.arrayContaining(['spanmetrics', 'servicegraph', 'forward/sampled']),
    );
    expect(ingest.processors).not.toContain('tail_sampling');
    expect(pipelines['traces/sampled']!.processors).toContain('tail_sampling');
    expect(collector.connectors.spanmetrics.exemplars.enabled).toBe(true);
  });

  it('samples by value with a decision wait longer than a slow Kafka hop chain', () => {
    const sampling = collector.processors.tail_sampling;
    expect(Number.parseInt(sampling.decision_wait, 10)).toBeGreaterThanOrEqual(10);
    expect(sampling.policies.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining([
        'errors',
        'slow',
        'big-orders',
        'vip-customers',
        'declined-payments',
        'high-risk-countries',
        'replays',
        'synthetic-sample',
        'baseline',
      ]),
    );
  });

  it('exports to Tempo, Loki (native OTLP) and Prometheus at their compose names and ports', () => {
    expect(collector.exporters['otlp/tempo'].endpoint).toBe(`tempo:${topology.tempo.otlpGrpc}`);
    expect(collector.exporters['otlphttp/loki'].endpoint).toBe(
      `http://loki:${topology.loki.http}/otlp`,
    );
    expect(collector.exporters.prometheusremotewrite.endpoint).toBe(
      `http://prometheus:${topology.prometheus.http}/api/v1/write`,
    );
    expect(Object.keys(collector.exporters)).not.toContain('loki');
    expect(collector.receivers.otlp.protocols.grpc.endpoint).toBe(
      `0.0.0.0:${topology['otel-collector'].otlpGrpc}`,
    );
    expect(collector.extensions.health_check.endpoint).toBe(
      `0.0.0.0:${topology['otel-collector'].health}`,
    );
  });

  it('drops credentials', () => {
    const scrubbed = collector.processors['attributes/scrub'].actions.map(
      (a: { key: string }) => a.key,
    );
    expect(scrubbed).toContain('http.request.header.authorization');
  });
});

describe('Tempo and Loki', () => {
  it('listen where the collector and Grafana expect them', () => {
    const tempo = yaml('tempo.yaml');
    expect(tempo.server.http_listen_port).toBe(topology.tempo.http);
    expect(tempo.distributor.receivers.otlp.protocols.grpc.endpoint).toBe(
      `0.0.0.0:${topology.tempo.otlpGrpc}`,
    );
    const loki = yaml('loki.yaml');
    expect(loki.server.http_listen_port).toBe(topology.loki.http);
    expect(loki.limits_config.allow_structured_metadata).toBe(true);
  });
});

describe('Grafana', () => {
  const datasources = yaml('grafana/provisioning/datasources/datasources.yaml').datasources as {
    uid: string;
    url: string;
    jsonData?: Record<string, unknown>;
  }[];
  const uids = new Set(datasources.map((d) => d.uid));

  it('cross-links datasources by UIDs that exist', () => {
    const prometheus = datasources.find((d) => d.uid === 'prometheus')!;
    expect(
      (prometheus.jsonData!.exemplarTraceIdDestinations as { datasourceUid: string }[])[0]!
        .datasourceUid,
    ).toBe('tempo');
    const tempo = datasources.find((d) => d.uid === 'tempo')!.jsonData as Record<
      string,
      { datasourceUid: string }
    >;
    expect([
      tempo.tracesToLogsV2!.datasourceUid,
      tempo.tracesToMetrics!.datasourceUid,
      tempo.serviceMap!.datasourceUid,
    ]).toEqual(['loki', 'prometheus', 'prometheus']);
    const loki = datasources.find((d) => d.uid === 'loki')!.jsonData as {
      derivedFields: { datasourceUid: string }[];
    };
    expect(loki.derivedFields[0]!.datasourceUid).toBe('tempo');
    for (const d of datasources)
      expect(d.url).toMatch(
        new RegExp(
          `:(${[topology.prometheus.http, topology.tempo.http, topology.loki.http].join('|')})$`,
        ),
      );
  });

  it('has the four dashboards, each panel with a query on a datasource that exists', () => {
    expect(dashboards.map((d) => d.title).sort()).toEqual([
      'Async flow',
      'SLOs & error budgets',
      'Service health',
      'WebStore Overview',
    ]);
    for (const q of panelQueries) {
      expect(q.expr, `${q.dashboard} / ${q.panel}`).toBeTruthy();
      expect(uids.has(q.datasource), `${q.dashboard} / ${q.panel} datasource`).toBe(true);
    }
  });

  it('uses only PromQL that Prometheus parses (checked by promtool)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'promql-'));
    try {
      const promql = [
        ...panelQueries.filter((q) => q.datasource === 'prometheus').map((q) => q.expr),
        ...LEARNING_PATH_QUERIES,
      ];
      const file = join(dir, 'queries.yml');
      writeFileSync(
        file,
        JSON.stringify({
          groups: [
            {
              name: 'queries',
              rules: promql.map((expr, i) => ({
                record: `query:${i}`,
                expr: withoutGrafanaMacros(expr),
              })),
            },
          ],
        }),
      );
      const result = run('promtool', ['check', 'rules', file]);
      expect(result.status, result.stdout + result.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('metric name contract', () => {
  // Names the collector generates from spans, and Prometheus's own.
  const COLLECTOR_GENERATED =
    /^(traces_span_metrics_(calls_total|duration_seconds_(bucket|sum|count))|traces_service_graph_request_(total|failed_total|server_seconds_bucket|client_seconds_bucket)|ALERTS|target_info)$/;

  it('uses only metrics the services emit, recording rules define, or the collector generates', () => {
    const emitted = new Set(allPrometheusNames());
    const recorded = new Set(rules.filter((r) => r.record).map((r) => r.record!));
    const sources = [
      ...panelQueries
        .filter((q) => q.datasource === 'prometheus')
        .map((q) => ({ where: `${q.dashboard} / ${q.panel}`, expr: q.expr })),
      ...rules.map((r) => ({ where: r.alert ?? r.record!, expr: r.expr })),
      ...LEARNING_PATH_QUERIES.map((expr) => ({ where: 'learning path', expr })),
    ];
    const unknown = sources.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter(
          (name) => !emitted.has(name) && !recorded.has(name) && !COLLECTOR_GENERATED.test(name),
        )
        .map((name) => `${where}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('reads metric names out of PromQL', () => {
    expect(
      metricNames(
        'sum by (country) (rate(webstore_payments_total{outcome="declined"}[5m])) / ignoring(x) foo:bar',
      ),
    ).toEqual(['webstore_payments_total', 'foo:bar']);
    expect(metricNames('histogram_quantile(0.9, sum by (le) (rate(a_bucket[$__range])))')).toEqual([
      'a_bucket',
    ]);
    expect(metricNames('a_total unless a_total offset 10m or b offset 1h30m')).toEqual([
      'a_total',
      'b',
    ]);
  });
});
