import { startOtlpReceiver, spawnService, waitFor } from '@webstore/testkit';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { prometheusSeriesNames, startFixture } from './fixture.js';

async function exercise(url: string): Promise<{ traceId?: string }> {
  const response = await fetch(`${url}/orders`, { method: 'POST' });
  expect(response.status).toBe(202);
  await fetch(`${url}/record-catalog`, { method: 'POST' });
  return (await response.json()) as { traceId?: string };
}

describe('preload without a collector', () => {
  it('is silent with no OTLP endpoint: no error output, local trace ids, /metrics served, clean exit', async () => {
    const app = await startFixture({});
    try {
      const { traceId } = await exercise(app.url);
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(app.records().find((r) => r.msg === 'order received')?.trace_id).toBe(traceId);
      const names = prometheusSeriesNames(await (await fetch(`${app.url}/metrics`)).text());
      expect(names).toContain('webstore_service_heartbeat_total');
      expect(await app.service.stop()).toBe(0);
      expect(app.service.stderr()).toBe('');
    } finally {
      app.service.kill();
    }
  });

  it('stays quiet when the configured collector is not there', async () => {
    const app = await startFixture({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_METRIC_EXPORT_INTERVAL: '200',
    });
    try {
      await exercise(app.url);
      expect(await app.service.stop()).toBe(0);
      expect(app.service.stderr()).toBe('');
      expect(app.service.stdout()).not.toMatch(/ECONNREFUSED|UNAVAILABLE|OTLPExporterError/);
    } finally {
      app.service.kill();
    }
  });
});

describe('OTEL_SDK_DISABLED=true', () => {
  it('runs the app with a no-op API, an empty /metrics, shutdown hooks, and a clean exit', async () => {
    const app = await startFixture({
      OTEL_SDK_DISABLED: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
    });
    try {
      const { traceId } = await exercise(app.url);
      expect(traceId).toBeUndefined();
      const record = app.records().find((r) => r.msg === 'order received');
      expect(record).toBeDefined();
      expect(record?.trace_id).toBeUndefined();
      const metrics = await fetch(`${app.url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toBe('');
      expect(await app.service.stop()).toBe(0);
      expect(app.records().map((r) => r.msg)).toContain('shutdown hook ran');
      expect(app.service.stderr()).toBe('');
    } finally {
      app.service.kill();
    }
  });
});

describe('a process that ends on its own', () => {
  it('still flushes its batched spans before exiting', async () => {
    const rx = await startOtlpReceiver();
    try {
      const script = await spawnService({
        command: process.execPath,
        args: ['--import', '@webstore/observability/register', 'test/fixtures/one-shot.js'],
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: {
          OTEL_SERVICE_NAME: 'one-shot',
          OTEL_EXPORTER_OTLP_ENDPOINT: rx.grpcEndpoint,
          OTEL_BSP_SCHEDULE_DELAY: '60000',
        },
      });
      expect(await script.exited).toBe(0);
      expect(script.stderr()).toBe('');
      await waitFor(
        () => rx.spans().some((s) => s.name === 'one-shot work' && s.serviceName === 'one-shot'),
        {
          message: 'the span of the one-shot script',
          timeoutMs: 2_000,
        },
      );
    } finally {
      await rx.close();
    }
  });
});

describe('bad telemetry configuration', () => {
  it.each([
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4317'],
    ['OTEL_SDK_DISABLED', 'yes'],
    ['OTEL_METRIC_EXPORT_INTERVAL', '10s'],
  ])('fails fast naming %s', async (variable, value) => {
    await expect(
      spawnService({
        command: process.execPath,
        args: ['--import', '@webstore/observability/register', 'test/fixtures/app.js'],
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: { [variable]: value },
        readyLine: /listening/,
      }),
    ).rejects.toThrow(new RegExp(`exited with 1 before it was ready[\\s\\S]*${variable}`));
  });
});
