// The store server's configuration, read from the environment once and validated at start: a bad
// value stops the server with a message that names the variable.

/** Thrown for a bad environment variable; the message names it. */
export class ConfigError extends Error {}

/** An http(s) base URL, without a trailing slash. */
function baseUrl(env, name, fallback) {
  const raw = env[name] || fallback;
  if (raw === undefined) return undefined;
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol))
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

function integer(env, name, fallback, min, max) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

/** Reads PORT, HOST, GATEWAY_URL, CONSOLE_URL, CONSOLE_API_URL, GRAFANA_URL and BROWSER_OTLP_*. */
export function readConfig(env = process.env) {
  const consoleUrl = baseUrl(env, 'CONSOLE_URL', 'http://localhost:3002');
  return {
    port: integer(env, 'PORT', 3001, 0, 65535),
    host: env.HOST || '127.0.0.1',
    gateway: new URL(baseUrl(env, 'GATEWAY_URL', 'http://localhost:8000')),
    /** Links the journey page opens in the shopper's browser. */
    links: {
      consoleUrl,
      /** Only where there is a Grafana (the full stack sets it). */
      grafanaUrl: baseUrl(env, 'GRAFANA_URL', undefined),
    },
    /** Where this server reads a trace for the journey's waterfall (server to server). */
    consoleApi: baseUrl(env, 'CONSOLE_API_URL', consoleUrl),
    browserTelemetry: {
      /** Base URL of an OTLP/HTTP receiver (`/v1/traces` is appended); unset: no browser SDK. */
      endpoint: baseUrl(env, 'BROWSER_OTLP_ENDPOINT', undefined),
      maxBodyBytes: integer(env, 'BROWSER_OTLP_MAX_BYTES', 256 * 1024, 1024, 16 * 1024 * 1024),
      /** Exports per client address per minute. */
      ratePerMinute: integer(env, 'BROWSER_OTLP_RATE_LIMIT', 120, 1, 100_000),
    },
  };
}
