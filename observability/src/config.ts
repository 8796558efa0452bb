// Reads the telemetry environment once and fails fast with a message naming the bad variable.

export interface TelemetryConfig {
  /** OTEL_SDK_DISABLED=true: no SDK at all; the API stays no-op and /metrics answers empty. */
  disabled: boolean;
  /** OTEL_EXPORTER_OTLP_ENDPOINT (gRPC, e.g. http://collector:4317); unset = no OTLP exporters. */
  otlpEndpoint: string | undefined;
  /** OTEL_SERVICE_NAME, if set (otherwise the name comes from the app's package.json). */
  serviceName: string | undefined;
  /** OTEL_METRIC_EXPORT_INTERVAL in ms for the OTLP metrics reader (default 10 000). */
  metricExportIntervalMs: number;
  /** How long the shutdown flush may take before the process exits anyway (default 5 000). */
  shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function booleanVar(env: Env, name: string): boolean {
  const value = nonEmpty(env, name)?.toLowerCase();
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new ConfigError(name, `must be "true" or "false", got "${env[name]}"`);
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const value = nonEmpty(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new ConfigError(name, `must be a positive integer (milliseconds), got "${value}"`);
  }
  return parsed;
}

function endpoint(env: Env, name: string): string | undefined {
  const value = nonEmpty(env, name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `must be a URL like http://localhost:4317, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `must use http:// or https://, got "${value}"`);
  }
  return value;
}

export function readTelemetryConfig(env: Env = process.env): TelemetryConfig {
  return {
    disabled: booleanVar(env, 'OTEL_SDK_DISABLED'),
    otlpEndpoint: endpoint(env, 'OTEL_EXPORTER_OTLP_ENDPOINT'),
    serviceName: nonEmpty(env, 'OTEL_SERVICE_NAME'),
    metricExportIntervalMs: positiveInt(env, 'OTEL_METRIC_EXPORT_INTERVAL', 10_000),
    shutdownTimeoutMs: positiveInt(env, 'WEBSTORE_SHUTDOWN_TIMEOUT_MS', 5_000),
  };
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** LOG_LEVEL (default info), one of bunyan's level names. */
export function readLogLevel(env: Env = process.env): LogLevel {
  const value = nonEmpty(env, 'LOG_LEVEL')?.toLowerCase() ?? 'info';
  if (!(LEVELS as readonly string[]).includes(value)) {
    throw new ConfigError(
      'LOG_LEVEL',
      `must be one of ${LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`,
    );
  }
  return value as LogLevel;
}
