// The gateway's environment, read once and validated; a bad value names its variable.
import { randomBytes } from 'node:crypto';
import { personas } from '@webstore/schemas';
import type { RateLimit } from './limits.js';

export interface GatewayConfig {
  /** DEMO_MODE: GET /api/personas hands out the demo customers' tokens (never the admin's). */
  demoMode: boolean;
  /** ADMIN_TOKEN: the bearer token of the admin routes (the demo admin token by default in demo mode). */
  adminToken: string;
  /** SSE_TICKET_SECRET signs the event-stream tickets (random per process by default). */
  ticketSecret: Buffer;
  /** SSE_TICKET_TTL_MS: how long a stream ticket opens its stream (60 s). */
  ticketTtlMs: number;
  limits: {
    /** RATE_LIMIT_ORDERS[_BURST]: POST /api/orders per client. */
    orders: RateLimit;
    /** RATE_LIMIT_ACTIVITY[_BURST]: POST /api/activity per client. */
    activity: RateLimit;
    /** MAX_SSE_STREAMS: event streams open at once. */
    sseStreams: number;
  };
  port: number;
  host: string;
  kafkaBrokers: string[];
  /** A checkout or activity event Kafka has not acknowledged by then is answered 503. */
  publishTimeoutMs: number;
  managementUrls: { inventory: string; payment: string; analytics: string };
  /** Where the read model and idempotency keys are kept. */
  dataDir: string;
  /** A pending order with no outcome after this long is timed out. */
  orderTimeoutMs: number;
  /** Orders whose saga ended longer ago than this are dropped from the read model. */
  orderRetentionMs: number;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function url(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = env[name] || fallback;
  try {
    if (!/^https?:$/.test(new URL(value).protocol)) throw new Error();
  } catch {
    throw new ConfigError(`${name}: "${value}" is not an http(s) URL`);
  }
  return value.replace(/\/$/, '');
}

const DEMO_ADMIN_TOKEN = personas.find((p) => p.role === 'admin')!.token;

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(true|1|yes|on)$/i.test(raw)) return true;
  if (/^(false|0|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function adminToken(env: NodeJS.ProcessEnv, demoMode: boolean): string {
  const token = env.ADMIN_TOKEN || undefined;
  if (token === undefined) {
    if (demoMode) return DEMO_ADMIN_TOKEN;
    throw new ConfigError('ADMIN_TOKEN must be set when DEMO_MODE is off');
  }
  if (token.length < 8 || /\s/.test(token))
    throw new ConfigError('ADMIN_TOKEN must be at least 8 characters without whitespace');
  if (!demoMode && token === DEMO_ADMIN_TOKEN)
    throw new ConfigError(
      'ADMIN_TOKEN must not be the published demo admin token when DEMO_MODE is off',
    );
  return token;
}

function rate(env: NodeJS.ProcessEnv, name: string, perSecond: number): RateLimit {
  const limit = integer(env, name, perSecond, 0);
  return { perSecond: limit, burst: integer(env, `${name}_BURST`, Math.max(1, 2 * limit), 1) };
}

export function loadConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  const demoMode = flag(env, 'DEMO_MODE', true);
  const secret = env.SSE_TICKET_SECRET || undefined;
  if (secret !== undefined && secret.length < 16)
    throw new ConfigError('SSE_TICKET_SECRET must be at least 16 characters');
  const port = Number(env.PORT ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new ConfigError(`PORT must be a port number, got "${env.PORT}"`);
  const kafkaBrokers = (env.KAFKA_BROKERS ?? 'localhost:9092')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (kafkaBrokers.length === 0 || kafkaBrokers.some((b) => !/^[^\s:]+:\d{1,5}$/.test(b))) {
    throw new ConfigError(
      `KAFKA_BROKERS must be a comma-separated list of host:port, got "${env.KAFKA_BROKERS}"`,
    );
  }
  const publishTimeoutMs = Number(env.PUBLISH_TIMEOUT_MS ?? 4000);
  if (!Number.isInteger(publishTimeoutMs) || publishTimeoutMs < 500 || publishTimeoutMs > 60_000)
    throw new ConfigError(
      `PUBLISH_TIMEOUT_MS must be an integer between 500 and 60000, got "${env.PUBLISH_TIMEOUT_MS}"`,
    );
  return {
    demoMode,
    adminToken: adminToken(env, demoMode),
    ticketSecret: secret ? Buffer.from(secret) : randomBytes(32),
    ticketTtlMs: integer(env, 'SSE_TICKET_TTL_MS', 60_000, 1_000),
    limits: {
      // Generous: one client placing 400–500 orders/s (the benchmark, the traffic generator)
      // stays under them; what they stop is a single client flooding Kafka.
      orders: rate(env, 'RATE_LIMIT_ORDERS', 1000),
      activity: rate(env, 'RATE_LIMIT_ACTIVITY', 2000),
      sseStreams: integer(env, 'MAX_SSE_STREAMS', 1000, 1),
    },
    port,
    host: env.HOST || '127.0.0.1',
    kafkaBrokers,
    publishTimeoutMs,
    managementUrls: {
      inventory: url(env, 'INVENTORY_URL', 'http://127.0.0.1:8101'),
      payment: url(env, 'PAYMENT_URL', 'http://127.0.0.1:8102'),
      analytics: url(env, 'ANALYTICS_URL', 'http://127.0.0.1:8103'),
    },
    dataDir: env.DATA_DIR || '.data/gateway',
    orderTimeoutMs: integer(env, 'ORDER_TIMEOUT_MS', 30_000, 1_000),
    orderRetentionMs: integer(env, 'ORDER_RETENTION_MS', 24 * 60 * 60 * 1000, 60_000),
  };
}
