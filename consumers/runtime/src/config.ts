// Environment shared by every consumer service, read once and validated; a bad value stops the
// service with a message naming the variable.
import { personas } from '@webstore/schemas';

export interface ServiceConfig {
  kafkaBrokers: string[];
  port: number;
  host: string;
  dataDir: string;
  /** How long processed event ids are remembered for dedupe. */
  dedupeWindowMs: number;
  /** How long settled state (decided payments, closed reservations) is kept. */
  stateRetentionMs: number;
  /**
   * kafkajs's own retry budget for every request. When a publish exhausts it
   * (KafkaJSNumberOfRetriesExceeded) the runtime retries the step itself, so a short budget only
   * makes the outage visible sooner; `maxRetryTime` also bounds how long a consumer takes to
   * notice that Kafka is back.
   */
  kafkaRetry: { retries: number; initialRetryTime: number; maxRetryTime: number };
  /** ADMIN_TOKEN: the bearer token the management server's /admin/* routes require. */
  adminToken: string;
}

// The demo admin persona's token, as on the gateway and the console, unless ADMIN_TOKEN names another.
const DEMO_ADMIN_TOKEN = personas.find((p) => p.role === 'admin')!.token;

/** ADMIN_TOKEN, validated as the gateway and the console validate it. */
export function adminTokenFrom(env: NodeJS.ProcessEnv): string {
  const token = env.ADMIN_TOKEN || DEMO_ADMIN_TOKEN;
  if (token.length < 8 || /\s/.test(token))
    throw new ConfigError('ADMIN_TOKEN must be at least 8 characters without whitespace');
  return token;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function integerFrom(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  return value;
}

/**
 * Reads KAFKA_BROKERS, PORT, HOST, DATA_DIR, DEDUPE_WINDOW_MS, STATE_RETENTION_MS, KAFKA_RETRIES
 * KAFKA_RETRY_MAX_MS and ADMIN_TOKEN.
 */
export function loadServiceConfig(
  env: NodeJS.ProcessEnv,
  service: string,
  defaultPort: number,
): ServiceConfig {
  const kafkaBrokers = (env.KAFKA_BROKERS ?? 'localhost:9092')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  for (const broker of kafkaBrokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker))
      throw new ConfigError(`KAFKA_BROKERS: "${broker}" is not host:port`);
  }
  if (kafkaBrokers.length === 0) throw new ConfigError('KAFKA_BROKERS is empty');
  return {
    kafkaBrokers,
    port: integerFrom(env, 'PORT', defaultPort, 0, 65_535),
    host: env.HOST || '127.0.0.1',
    dataDir: env.DATA_DIR || `.data/${service}`,
    dedupeWindowMs: integerFrom(env, 'DEDUPE_WINDOW_MS', DAY_MS, 1000),
    // As long as the topics keep events (7 days), so a replay of any retained window finds the
    // decisions it must not repeat.
    stateRetentionMs: integerFrom(env, 'STATE_RETENTION_MS', 7 * DAY_MS, 1000),
    kafkaRetry: {
      retries: integerFrom(env, 'KAFKA_RETRIES', 10, 0, 100),
      initialRetryTime: 200,
      maxRetryTime: integerFrom(env, 'KAFKA_RETRY_MAX_MS', 5_000, 200, 60_000),
    },
    adminToken: adminTokenFrom(env),
  };
}
