// The gateway's environment, read once and validated; a bad value names its variable.
export interface GatewayConfig {
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

export function loadConfig(env: NodeJS.ProcessEnv): GatewayConfig {
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
