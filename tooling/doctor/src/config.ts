// Where the doctor looks. Every target has a default for the local stack and an environment
// variable to point it elsewhere; a malformed value is reported with the variable's name.

export type StackMode = 'local' | 'full';

export interface Target {
  name: string;
  kind: 'dependency' | 'service' | 'backend';
  url: string;
}

export interface DoctorConfig {
  stack: StackMode;
  json: boolean;
  timeoutMs: number;
  kafkaBrokers: string[];
  targets: Target[];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

// [component, variable holding its base URL, default base URL, probe path]
const SERVICES: [string, string, string, string][] = [
  ['gateway', 'GATEWAY_URL', 'http://localhost:8000', '/readyz'],
  ['inventory', 'INVENTORY_URL', 'http://localhost:8101', '/readyz'],
  ['payment', 'PAYMENT_URL', 'http://localhost:8102', '/readyz'],
  ['analytics', 'ANALYTICS_URL', 'http://localhost:8103', '/readyz'],
  ['storefront', 'STOREFRONT_URL', 'http://localhost:3001', '/healthz'],
  ['console', 'CONSOLE_URL', 'http://localhost:3002', '/readyz'],
];

const BACKENDS: [string, string, string, string][] = [
  ['otel-collector', 'OTEL_COLLECTOR_HEALTH_URL', 'http://localhost:13133', '/'],
  ['tempo', 'TEMPO_URL', 'http://localhost:3200', '/ready'],
  ['loki', 'LOKI_URL', 'http://localhost:3100', '/ready'],
  ['prometheus', 'PROMETHEUS_URL', 'http://localhost:9090', '/-/ready'],
  ['alertmanager', 'ALERTMANAGER_URL', 'http://localhost:9093', '/-/ready'],
  ['grafana', 'GRAFANA_URL', 'http://localhost:3000', '/api/health'],
];

export const USAGE = `Usage: npm run doctor -- [--stack local|full] [--json] [--timeout MS] [--skip NAME]...

Checks Kafka, the WebStore services and (with --stack full, the Docker Compose stack) the
observability backends, prints a table, and exits non-zero if anything is down.

  --stack local   Kafka, the services and the console (default; what \`npm start\` runs)
  --stack full    ... plus collector, Tempo, Loki, Prometheus, Alertmanager, Grafana
  --json          print the report as JSON
  --timeout MS    per-check timeout (default 3000)
  --skip NAME     leave a component out (e.g. --skip storefront)

Targets come from KAFKA_BROKERS, GATEWAY_URL, INVENTORY_URL, PAYMENT_URL, ANALYTICS_URL,
STOREFRONT_URL, CONSOLE_URL, OTEL_COLLECTOR_HEALTH_URL, TEMPO_URL, LOKI_URL, PROMETHEUS_URL,
ALERTMANAGER_URL and GRAFANA_URL (base URLs; each defaults to its local port).`;

/** Builds the configuration from flags and environment; throws ConfigError naming the culprit. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): DoctorConfig | 'help' {
  let stack: StackMode = env.DOCTOR_STACK === 'full' ? 'full' : 'local';
  let json = false;
  let timeoutMs = 3000;
  const skip = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    else if (arg === '--json') json = true;
    else if (arg === '--stack') {
      const value = argv[++i];
      if (value !== 'local' && value !== 'full')
        throw new ConfigError(`--stack must be "local" or "full", got "${value ?? ''}"`);
      stack = value;
    } else if (arg === '--timeout') {
      timeoutMs = Number(argv[++i]);
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
        throw new ConfigError('--timeout must be a positive number of milliseconds');
    } else if (arg === '--skip') {
      const name = argv[++i];
      if (!name || ![...SERVICES, ...BACKENDS].some(([n]) => n === name))
        throw new ConfigError(`--skip needs a component name, got "${name ?? ''}"`);
      skip.add(name);
    } else throw new ConfigError(`unknown option "${arg}" (see --help)`);
  }
  const kafkaBrokers = (env.KAFKA_BROKERS ?? 'localhost:9092').split(',').map((b) => b.trim());
  for (const broker of kafkaBrokers) {
    if (!/^[^:\s]+:\d+$/.test(broker))
      throw new ConfigError(`KAFKA_BROKERS: "${broker}" is not host:port`);
  }
  const table = stack === 'full' ? [...SERVICES, ...BACKENDS] : SERVICES;
  const targets = table
    .filter(([name]) => !skip.has(name))
    .map(([name, variable, fallback, path]) => ({
      name,
      kind: SERVICES.some(([n]) => n === name) ? ('service' as const) : ('backend' as const),
      url: new URL(path, url(variable, env[variable], fallback)).href,
    }));
  return { stack, json, timeoutMs, kafkaBrokers, targets };
}

function url(variable: string, value: string | undefined, fallback: string): string {
  const text = value ?? fallback;
  try {
    const parsed = new URL(text);
    if (!/^https?:$/.test(parsed.protocol)) throw new Error('not http');
    return text;
  } catch {
    throw new ConfigError(`${variable}: "${text}" is not an http(s) URL`);
  }
}
