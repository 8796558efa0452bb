// Runs Debian's Prometheus (and Alertmanager, when installed) against the local stack: a generated
// config with static scrape targets and our rule files, a TSDB under the stack's data directory
// (or a throwaway one), and a small query client. `npm start -- --with-prometheus`, the telemetry
// contract test and the learning path's exercises use it.
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ruleFiles } from '@webstore/observability/queries';
import { freePort } from '@webstore/testkit/free-port';
import { startProcess, type ManagedProcess } from './processes.js';

export interface ScrapeTarget {
  /** Becomes the `job` label; use the service name. */
  job: string;
  /** host:port serving /metrics. */
  address: string;
}

export interface PrometheusOptions {
  targets: ScrapeTarget[];
  /** Rule files to load (default: every file in observability/config/prometheus/rules). */
  ruleFiles?: string[];
  /** Scrape and rule evaluation interval (default 1 s). */
  scrapeIntervalSeconds?: number;
  /** Listen here (default a free port on `host`). */
  port?: number;
  host?: string;
  /** Keep config and TSDB here (default a temporary directory, deleted on stop). */
  dataDir?: string;
  /** Where Prometheus's own output goes (default `<dataDir>/prometheus.log`). */
  logFile?: string;
  /** Send alerts to this Alertmanager (host:port). */
  alertmanager?: string;
  binary?: string;
}

export interface QueryResult {
  resultType: string;
  result: { metric: Record<string, string>; value?: [number, string]; values?: unknown[] }[];
}

export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt?: string;
  value?: string;
}

export interface RunningPrometheus {
  url: string;
  process: ManagedProcess;
  query(expr: string): Promise<QueryResult>;
  /** Every metric name Prometheus has ingested. */
  metricNames(): Promise<string[]>;
  /** Pending and firing alerts. */
  alerts(): Promise<PrometheusAlert[]>;
  stop(): Promise<void>;
}

export interface RunningAlertmanager {
  url: string;
  /** host:port, for Prometheus's `alerting` section. */
  address: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** The first of `names` found on PATH (or an absolute path that is executable), else undefined. */
export function findBinary(...names: string[]): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of names) {
    const candidates = name.includes('/') ? [name] : dirs.map((d) => join(d, name));
    for (const candidate of candidates) {
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Debian's `prometheus`, if installed. */
export const findPrometheus = () => findBinary('prometheus');
/** Debian names Alertmanager's binary `prometheus-alertmanager`; upstream, `alertmanager`. */
export const findAlertmanager = () => findBinary('prometheus-alertmanager', 'alertmanager');

export const PROMETHEUS_INSTALL_HINT =
  'Prometheus is not installed: on Debian or Ubuntu, `sudo apt-get install prometheus` ' +
  '(and `prometheus-alertmanager` for Alertmanager); elsewhere put a `prometheus` binary on PATH';

function workDir(dataDir: string | undefined): { dir: string; temporary: boolean } {
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    return { dir: dataDir, temporary: false };
  }
  return { dir: mkdtempSync(join(tmpdir(), 'prometheus-')), temporary: true };
}

/** Starts Prometheus and waits until it is ready. */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const binary = options.binary ?? findPrometheus();
  if (!binary) throw new Error(PROMETHEUS_INSTALL_HINT);
  const host = options.host ?? '127.0.0.1';
  const { dir, temporary } = workDir(options.dataDir);
  const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    rule_files: options.ruleFiles ?? ruleFiles(),
    ...(options.alertmanager
      ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [options.alertmanager] }] }] } }
      : {}),
    scrape_configs: options.targets.map((t) => ({
      job_name: t.job,
      static_configs: [{ targets: [t.address], labels: { service: t.job } }],
    })),
  };
  // JSON is valid YAML, so no YAML library is needed to write the config.
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  const port = options.port ?? (await freePort(host));
  const url = `http://${host}:${port}`;
  let server: ManagedProcess;
  try {
    server = await startProcess({
      name: 'prometheus',
      command: binary,
      args: [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=${host}:${port}`,
        '--enable-feature=exemplar-storage',
        '--storage.tsdb.retention.time=1d',
      ],
      cwd: dir,
      env: process.env,
      logFile: options.logFile ?? join(dir, 'prometheus.log'),
      readyUrl: `${url}/-/ready`,
      timeoutMs: 30_000,
    });
  } catch (err) {
    if (temporary) rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success')
      throw new Error(`Prometheus ${path}: ${body.error ?? response.status}`);
    return body.data;
  };

  return {
    url,
    process: server,
    query: (expr) => api<QueryResult>(`/api/v1/query?query=${encodeURIComponent(expr)}`),
    metricNames: () => api<string[]>('/api/v1/label/__name__/values'),
    alerts: async () => (await api<{ alerts: PrometheusAlert[] }>('/api/v1/alerts')).alerts,
    async stop() {
      await server.stop();
      if (temporary) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts Alertmanager with `configFile` and waits until it is ready. */
export async function startAlertmanager(options: {
  configFile: string;
  dataDir: string;
  port?: number;
  host?: string;
  binary?: string;
  logFile?: string;
}): Promise<RunningAlertmanager> {
  const binary = options.binary ?? findAlertmanager();
  if (!binary) throw new Error(PROMETHEUS_INSTALL_HINT);
  const host = options.host ?? '127.0.0.1';
  mkdirSync(options.dataDir, { recursive: true });
  const port = options.port ?? (await freePort(host));
  const address = `${host}:${port}`;
  const managed = await startProcess({
    name: 'alertmanager',
    command: binary,
    args: [
      `--config.file=${options.configFile}`,
      `--storage.path=${options.dataDir}`,
      `--web.listen-address=${address}`,
      // A lone instance: no gossip port to collide with another one on this machine.
      '--cluster.listen-address=',
    ],
    cwd: options.dataDir,
    env: process.env,
    logFile: options.logFile ?? join(options.dataDir, 'alertmanager.log'),
    readyUrl: `http://${address}/-/ready`,
    timeoutMs: 30_000,
  });
  return {
    url: `http://${address}`,
    address,
    process: managed,
    stop: () => managed.stop().then(() => undefined),
  };
}

/** Waits until every scrape target is up, so a missing metric means "not emitted", not "not scraped". */
export async function waitForTargetsUp(
  prometheus: RunningPrometheus,
  jobs: string[],
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let healthy = new Set<string>();
  for (;;) {
    const up = await prometheus.query('up == 1').catch(() => undefined);
    healthy = new Set(up?.result.map((r) => r.metric.job ?? '') ?? []);
    if (jobs.every((job) => healthy.has(job))) return;
    if (Date.now() > deadline)
      throw new Error(
        `scrape targets not up within ${timeoutMs} ms: ${jobs.filter((j) => !healthy.has(j)).join(', ')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
