// Runs Debian's Prometheus binary against the local stack for tests: a generated config with
// static scrape targets and our rule files, a throwaway TSDB, and a small query client.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnService, waitFor, type SpawnedService } from '@webstore/testkit';

export interface ScrapeTarget {
  /** Becomes the `job` label; use the service name. */
  job: string;
  /** host:port serving /metrics. */
  address: string;
}

export interface PrometheusOptions {
  targets: ScrapeTarget[];
  ruleFiles?: string[];
  scrapeIntervalSeconds?: number;
  binary?: string;
}

export interface QueryResult {
  resultType: string;
  result: { metric: Record<string, string>; value?: [number, string]; values?: unknown[] }[];
}

export interface RunningPrometheus {
  url: string;
  query(expr: string): Promise<QueryResult>;
  /** Every metric name Prometheus has ingested. */
  metricNames(): Promise<string[]>;
  stop(): Promise<void>;
}

/** Starts Prometheus on a free loopback port and waits until it is ready. */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
  const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    rule_files: options.ruleFiles ?? [],
    scrape_configs: options.targets.map((t) => ({
      job_name: t.job,
      static_configs: [{ targets: [t.address], labels: { service: t.job } }],
    })),
  };
  // JSON is valid YAML, so no YAML library is needed to write the config.
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let server: SpawnedService | undefined;
  try {
    server = await spawnService({
      command: options.binary ?? 'prometheus',
      args: [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--enable-feature=exemplar-storage',
        '--storage.tsdb.retention.time=1h',
      ],
      readyUrl: `${url}/-/ready`,
      timeoutMs: 30_000,
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
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
    query: (expr) => api<QueryResult>(`/api/v1/query?query=${encodeURIComponent(expr)}`),
    metricNames: () => api<string[]>('/api/v1/label/__name__/values'),
    async stop() {
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until every scrape target is up, so a missing metric means "not emitted", not "not scraped". */
export async function waitForTargetsUp(
  prometheus: RunningPrometheus,
  jobs: string[],
): Promise<void> {
  await waitFor(
    async () => {
      const up = await prometheus.query('up == 1');
      const healthy = new Set(up.result.map((r) => r.metric.job));
      return jobs.every((job) => healthy.has(job));
    },
    { timeoutMs: 30_000, message: `scrape targets up: ${jobs.join(', ')}` },
  );
}
