// Where the running system is. Defaults are `npm start`'s ports; each can be overridden from the
// environment (the same variables the services and the doctor read).
export interface Targets {
  gateway: string;
  console: string;
  inventory: string;
  payment: string;
  analytics: string;
  /** Prometheus (`npm start -- --with-prometheus`), for the alert exercise. */
  prometheus: string;
  /** The console's OTLP/gRPC receiver, where exercise 6's example process sends its metric. */
  otlpEndpoint: string;
}

const DEFAULTS: Targets = {
  gateway: 'http://localhost:8000',
  console: 'http://localhost:3002',
  inventory: 'http://localhost:8101',
  payment: 'http://localhost:8102',
  analytics: 'http://localhost:8103',
  prometheus: 'http://localhost:9090',
  otlpEndpoint: 'http://localhost:4317',
};

const VARIABLES: Record<keyof Targets, string> = {
  gateway: 'GATEWAY_URL',
  console: 'CONSOLE_URL',
  inventory: 'INVENTORY_URL',
  payment: 'PAYMENT_URL',
  analytics: 'ANALYTICS_URL',
  prometheus: 'PROMETHEUS_URL',
  otlpEndpoint: 'OTEL_EXPORTER_OTLP_ENDPOINT',
};

export class TargetError extends Error {
  override readonly name = 'TargetError';
}

/** Reads GATEWAY_URL, CONSOLE_URL, … falling back to the `npm start` ports. */
export function targetsFromEnv(env: Record<string, string | undefined> = process.env): Targets {
  const targets = { ...DEFAULTS };
  for (const [key, variable] of Object.entries(VARIABLES) as [keyof Targets, string][]) {
    const raw = env[variable]?.trim();
    if (!raw) continue;
    if (!/^https?:\/\/[^\s/]+/.test(raw))
      throw new TargetError(`${variable} must be an http(s) URL, got "${raw}"`);
    targets[key] = raw.replace(/\/+$/, '');
  }
  return targets;
}

export const targetVariables = VARIABLES;
