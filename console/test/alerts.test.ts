// GET /api/alerts against a real Prometheus (Debian's) evaluating a rule that always fires, and
// the answers without one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, spawnService, waitFor, type SpawnedService } from '@webstore/testkit';
import { loadConfig } from '../server/config.js';
import { closeTestConsoles, startTestConsole } from './helpers.js';

let prometheus: SpawnedService;
let prometheusUrl: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-alerts-'));
  writeFileSync(
    join(dir, 'rules.yml'),
    JSON.stringify({
      groups: [
        {
          name: 't',
          rules: [{ alert: 'AlwaysFiring', expr: 'vector(1) > 0', labels: { severity: 'page' } }],
        },
      ],
    }),
  );
  writeFileSync(
    join(dir, 'prometheus.yml'),
    JSON.stringify({ global: { evaluation_interval: '1s' }, rule_files: [join(dir, 'rules.yml')] }),
  );
  const port = await freePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  prometheus = await spawnService({
    command: 'prometheus',
    args: [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    readyUrl: `${prometheusUrl}/-/ready`,
    timeoutMs: 30_000,
  });
});

afterAll(async () => {
  await closeTestConsoles();
  await prometheus?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/alerts', () => {
  it("answers Prometheus's pending and firing alerts", async () => {
    const c = await startTestConsole({ PROMETHEUS_URL: `${prometheusUrl}/` });
    type Answer = {
      prometheusUrl: string;
      alerts: {
        name: string;
        state: string;
        labels: Record<string, string>;
        value: number | null;
      }[];
    };
    const body = await waitFor(
      async () => {
        const r = await c.get<Answer>('/api/alerts?state=firing');
        return r.status === 200 && r.body.alerts.length > 0 ? r.body : undefined;
      },
      { timeoutMs: 20_000, message: 'AlwaysFiring firing in /api/alerts' },
    );
    expect(body.prometheusUrl).toBe(prometheusUrl);
    expect(body.alerts[0]).toMatchObject({ name: 'AlwaysFiring', state: 'firing', value: 1 });
    expect(body.alerts[0]!.labels).toMatchObject({ alertname: 'AlwaysFiring', severity: 'page' });
    expect((await c.get<Answer>('/api/alerts?state=pending')).body.alerts).toEqual([]);
    const bad = await c.get<{ field: string }>('/api/alerts?state=bogus');
    expect([bad.status, bad.body.field]).toEqual([400, 'state']);
  });

  it('says how to get a Prometheus when none is configured', async () => {
    const c = await startTestConsole();
    const r = await c.get<{ type: string; detail: string }>('/api/alerts');
    expect(r.status).toBe(503);
    expect(r.type).toContain('application/problem+json');
    expect(r.body.type).toBe('https://webstore.example/problems/prometheus-not-configured');
    expect(r.body.detail).toContain('npm start -- --with-prometheus');
  });

  it('answers 503 naming the URL when Prometheus does not answer', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const c = await startTestConsole({ PROMETHEUS_URL: url });
    const r = await c.get<{ detail: string }>('/api/alerts');
    expect(r.status).toBe(503);
    expect(r.body.detail).toBe(`Prometheus did not answer at ${url}/api/v1/alerts`);
  });

  it('refuses a PROMETHEUS_URL that is not an http(s) URL', () => {
    expect(() => loadConfig({ PROMETHEUS_URL: 'localhost:9090' })).toThrow(
      'PROMETHEUS_URL must be an http(s) URL like http://localhost:9090, got "localhost:9090"',
    );
  });
});
