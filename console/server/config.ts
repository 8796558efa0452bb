// The console's environment, read once and validated; a bad value stops it with a message naming
// the variable.
import { resolve } from 'node:path';
import { personas } from '@webstore/schemas';

export interface ConsoleConfig {
  /** CONSOLE_PORT: UI, JSON API and live stream. */
  port: number;
  /** CONSOLE_OTLP_GRPC_PORT: OTLP/gRPC receiver. */
  otlpGrpcPort: number;
  /** CONSOLE_OTLP_HTTP_PORT: OTLP/HTTP receiver (protobuf and JSON). */
  otlpHttpPort: number;
  /** HOST: every listener binds here; loopback unless told otherwise. */
  host: string;
  /** CONSOLE_DATA_DIR: where the SQLite database lives. */
  dataDir: string;
  /** CONSOLE_RETENTION: telemetry older than this is deleted while running. */
  retentionMs: number;
  /** CONSOLE_MAX_BYTES: the oldest telemetry is deleted while the database is larger. */
  maxBytes: number;
  /** CONSOLE_OTLP_MAX_BODY_BYTES: a larger export request is refused (413 / RESOURCE_EXHAUSTED). */
  otlpMaxBodyBytes: number;
  /** ADMIN_TOKEN: the bearer token that state-changing routes require. */
  adminToken: string;
  /** CONSOLE_UI_DIR: the built single-page app. */
  uiDir: string;
  /** KAFKA_BROKERS: for the Kafka browser and replays; connected on first use. */
  kafkaBrokers: string[];
  /** REPLAY_DATA_DIR: the replay audit trail (shared with the replay CLI). */
  replayDataDir: string;
  /** PROMETHEUS_URL: the Prometheus whose alerts GET /api/alerts shows, if any. */
  prometheusUrl?: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

// The demo admin persona's token, as on the gateway, unless ADMIN_TOKEN names another.
const DEMO_ADMIN_TOKEN = personas.find((p) => p.role === 'admin')?.token ?? '';

function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

function port(env: Env, name: string, fallback: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  if (!/^\d+$/.test(raw) || parsed > 65_535)
    throw new ConfigError(`${name} must be a port number (0-65535), got "${raw}"`);
  return parsed;
}

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** "90s", "15m", "24h", "7d" or plain milliseconds. */
export function parseDuration(raw: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNITS[match[2] ?? 'ms']!;
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : undefined;
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** "1GiB", "500MB", "64KiB" or plain bytes. */
export function parseBytes(raw: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
  const unit = BYTE_UNITS[match?.[2]?.toLowerCase() ?? 'x'];
  if (!match || unit === undefined) return undefined;
  const bytes = Math.round(Number(match[1]) * unit);
  return bytes > 0 ? bytes : undefined;
}

function duration(env: Env, name: string, fallback: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const ms = parseDuration(raw);
  if (ms === undefined)
    throw new ConfigError(`${name} must be a duration like 90s, 30m, 24h or 7d, got "${raw}"`);
  return ms;
}

function bytes(env: Env, name: string, fallback: number, min: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const parsed = parseBytes(raw);
  if (parsed === undefined || parsed < min)
    throw new ConfigError(
      `${name} must be a size of at least ${min} bytes like 1GiB, 500MB or 65536, got "${raw}"`,
    );
  return parsed;
}

function brokers(env: Env): string[] {
  const list = (value(env, 'KAFKA_BROKERS') ?? 'localhost:9092')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  for (const broker of list)
    if (!/^[^\s:]+:\d{1,5}$/.test(broker))
      throw new ConfigError(`KAFKA_BROKERS: "${broker}" is not host:port`);
  if (list.length === 0) throw new ConfigError('KAFKA_BROKERS is empty');
  return list;
}

/** Reads CONSOLE_*, HOST, ADMIN_TOKEN, KAFKA_BROKERS and REPLAY_DATA_DIR; `cwd` anchors relative directories. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): ConsoleConfig {
  const host = value(env, 'HOST') ?? '127.0.0.1';
  if (/\s/.test(host)) throw new ConfigError(`HOST must be a host name or address, got "${host}"`);
  const adminToken = value(env, 'ADMIN_TOKEN') ?? DEMO_ADMIN_TOKEN;
  if (adminToken.length < 8 || /\s/.test(adminToken))
    throw new ConfigError('ADMIN_TOKEN must be at least 8 characters without spaces');
  const prometheusUrl = value(env, 'PROMETHEUS_URL');
  if (prometheusUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(prometheusUrl))
    throw new ConfigError(
      `PROMETHEUS_URL must be an http(s) URL like http://localhost:9090, got "${prometheusUrl}"`,
    );
  return {
    ...(prometheusUrl ? { prometheusUrl: prometheusUrl.replace(/\/+$/, '') } : {}),
    port: port(env, 'CONSOLE_PORT', 3002),
    otlpGrpcPort: port(env, 'CONSOLE_OTLP_GRPC_PORT', 4317),
    otlpHttpPort: port(env, 'CONSOLE_OTLP_HTTP_PORT', 4318),
    host,
    dataDir: resolve(cwd, value(env, 'CONSOLE_DATA_DIR') ?? '.data/console'),
    retentionMs: duration(env, 'CONSOLE_RETENTION', 24 * 3_600_000),
    maxBytes: bytes(env, 'CONSOLE_MAX_BYTES', 1024 ** 3, 1024 * 1024),
    otlpMaxBodyBytes: bytes(env, 'CONSOLE_OTLP_MAX_BODY_BYTES', 16 * 1024 * 1024, 1024),
    adminToken,
    uiDir: resolve(
      cwd,
      value(env, 'CONSOLE_UI_DIR') ?? new URL('../dist-ui', import.meta.url).pathname,
    ),
    kafkaBrokers: brokers(env),
    replayDataDir: resolve(cwd, value(env, 'REPLAY_DATA_DIR') ?? '.data/replay'),
  };
}
