// A console on free ports with its own data directory, and real OpenTelemetry SDK exporters to
// feed it: the receiver is tested against the exact bytes services send.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tracer } from '@opentelemetry/api';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { createLogger } from '@webstore/observability/logger';
import { loadConfig, type ConsoleConfig } from '../server/config.js';
import { startConsole, type ConsoleOptions, type RunningConsole } from '../server/console.js';

export interface TestConsole extends RunningConsole {
  dataDir: string;
  config: ConsoleConfig;
  /** GET a JSON API path. */
  get<T = unknown>(path: string): Promise<{ status: number; body: T; type: string }>;
}

const running: TestConsole[] = [];

export async function startTestConsole(
  env: Record<string, string> = {},
  options: Omit<ConsoleOptions, 'config'> = {},
): Promise<TestConsole> {
  const dataDir = env.CONSOLE_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'console-test-'));
  const config = loadConfig({
    CONSOLE_PORT: '0',
    CONSOLE_OTLP_GRPC_PORT: '0',
    CONSOLE_OTLP_HTTP_PORT: '0',
    CONSOLE_DATA_DIR: dataDir,
    ...env,
  });
  const c = await startConsole({
    config,
    log: createLogger('console-test', { level: 'fatal' }),
    streamDebounceMs: 50,
    ...options,
  });
  const testConsole: TestConsole = Object.assign(c, {
    dataDir,
    config,
    async get<T>(path: string) {
      const response = await fetch(`${c.url}${path}`);
      const type = response.headers.get('content-type') ?? '';
      const text = await response.text();
      return {
        status: response.status,
        type,
        body: (type.includes('json') ? JSON.parse(text) : text) as T,
      };
    },
  });
  running.push(testConsole);
  return testConsole;
}

/** Closes every console started by this file and removes their data. */
export async function closeTestConsoles(): Promise<void> {
  for (const c of running.splice(0)) {
    await c.close().catch(() => undefined);
    rmSync(c.dataDir, { recursive: true, force: true });
  }
}

export function testResource(
  service = 'console-test',
  extra: Record<string, string> = {},
): Resource {
  return resourceFromAttributes({ 'service.name': service, ...extra });
}

/** Emits spans with a tracer and exports them through `exporter`. */
export async function sendSpans(
  exporter: SpanExporter,
  emit: (tracer: Tracer) => void,
  resource = testResource(),
): Promise<void> {
  const provider = new BasicTracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  emit(provider.getTracer('console-test-scope', '1.0.0'));
  await provider.forceFlush();
  await provider.shutdown();
}

export async function sendLogs(
  exporter: LogRecordExporter,
  emit: (provider: LoggerProvider) => void,
  resource = testResource(),
): Promise<void> {
  const provider = new LoggerProvider({
    resource,
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  emit(provider);
  await provider.forceFlush();
  await provider.shutdown();
}

/** POSTs raw bytes to the OTLP/HTTP receiver. */
export function postOtlp(
  c: RunningConsole,
  signal: 'traces' | 'metrics' | 'logs',
  body: Uint8Array | string,
  headers: Record<string, string>,
): Promise<Response> {
  return fetch(`${c.otlpHttpEndpoint}/v1/${signal}`, { method: 'POST', body, headers });
}
