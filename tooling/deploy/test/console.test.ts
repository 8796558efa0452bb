// The WebStore Console in the full stack: the collector's copy reaches the port the console's own
// configuration receives on, the console does not feed its own telemetry back into itself, and the
// store's journey page is offered both the console and Grafana at the ports Compose publishes.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig as loadConsoleConfig } from '@webstore/console/config';
import { waitFor } from '@webstore/testkit';
import { parsePort, readCompose } from '../src/compose.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const compose = readCompose(join(root, 'docker-compose.yml'));
const collector = parse(
  readFileSync(join(root, 'observability/config/otel-collector.yaml'), 'utf8'),
);
const env = (name: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries(compose.services[name]!.environment ?? {}).map(([k, v]) => [k, String(v)]),
  );
const hostPort = (name: string) => parsePort(compose.services[name]!.ports![0]!).hostPort;

describe('the console service', () => {
  const config = loadConsoleConfig(env('console'), '/app');

  it('receives the collector’s copy on the OTLP/gRPC port its configuration listens on', () => {
    expect(collector.exporters['otlp/console'].endpoint).toBe(`console:${config.otlpGrpcPort}`);
    expect(config.host).toBe('0.0.0.0');
  });

  it('runs without the telemetry preload, so it does not trace its own ingestion into itself', () => {
    expect(env('console').NODE_OPTIONS).toBe('');
    expect(env('console').OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
  });

  it('holds nothing back: no service waits for it to be healthy', () => {
    const waiting = Object.entries(compose.services)
      .filter(([, s]) => s.depends_on?.console !== undefined)
      .map(([name, s]) => `${name}: ${s.depends_on!.console!.condition}`);
    expect(waiting).toEqual(['otel-collector: service_started']);
    expect(compose.services.console!.depends_on).toBeUndefined();
  });
});

/** Starts the real store server with `overrides` on its Compose environment. */
function startStorefront(overrides: Record<string, string>) {
  const child = spawn(process.execPath, [join(root, 'storefront/server/server.js')], {
    env: { PATH: process.env.PATH, ...env('storefront'), ...overrides },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  // 'close' comes after the output streams ended, so the output is complete by then.
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, output, exited };
}

describe('the store in the full stack', () => {
  it('offers the journey page both the console and Grafana, at their published ports, and browser telemetry', async () => {
    // Its Compose environment as it is, on a free loopback port instead of 3001.
    const store = startStorefront({ PORT: '0', HOST: '127.0.0.1' });
    try {
      const url = await waitFor(
        () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(store.output.stdout)?.[1],
        { timeoutMs: 15_000, message: 'the store server to print the address it listens on' },
      ).catch((err: Error) => {
        throw new Error(
          `${err.message}; stdout: ${store.output.stdout}; stderr: ${store.output.stderr}`,
        );
      });
      const response = await fetch(`${url}/config.json`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        consoleUrl: `http://localhost:${hostPort('console')}`,
        grafanaUrl: `http://localhost:${hostPort('grafana')}`,
        // BROWSER_OTLP_ENDPOINT is set: the page loads the Web SDK and sends through the store.
        telemetry: true,
      });
    } finally {
      store.child.kill('SIGTERM');
      await store.exited;
    }
  });

  it('refuses to start with a link that is not an http(s) URL, naming the variable', async () => {
    const store = startStorefront({ PORT: '0', HOST: '127.0.0.1', CONSOLE_URL: 'localhost:3002' });
    expect(await store.exited).toBe(2);
    expect(store.output.stderr).toContain('CONSOLE_URL must be an http(s) URL');
  });
});
