#!/usr/bin/env node
// `npm start`: the whole system on the dev ports, data under .data/, until Ctrl-C.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findPrometheus, PROMETHEUS_INSTALL_HINT } from './prometheus.js';
import { REPO_ROOT, startStack } from './stack.js';

const USAGE = `Usage: npm start [-- --with-prometheus]

Starts the whole system locally: the console, the embedded broker, the services and the store.

  --with-prometheus  also run Prometheus on :9090 (scraping every service, with our alert and SLO
                     rules) and Alertmanager on :9093 when installed; the console shows the alerts
                     (GET /api/alerts). Needs Debian's prometheus package (apt-get install
                     prometheus prometheus-alertmanager).
  -h, --help         this text`;

let flags: { 'with-prometheus': boolean; help: boolean };
try {
  flags = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      'with-prometheus': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (err) {
  console.error(`webstore: ${(err as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}

const DEV_PORTS = {
  kafka: 9092,
  gateway: 8000,
  inventory: 8101,
  payment: 8102,
  analytics: 8103,
  storefront: 3001,
  console: 3002,
  otlpGrpc: 4317,
  otlpHttp: 4318,
  prometheus: 9090,
  alertmanager: 9093,
};
const dataDir = process.env.WEBSTORE_DATA_DIR || join(REPO_ROOT, '.data');
const kafkaBrokers = process.env.KAFKA_BROKERS || undefined;
const log = (message: string) => console.log(`webstore: ${message}`);
let withPrometheus = flags['with-prometheus'];
if (withPrometheus && !findPrometheus()) {
  log(`${PROMETHEUS_INSTALL_HINT}. Starting without it: everything but alerts works.`);
  withPrometheus = false;
}

let stack: Awaited<ReturnType<typeof startStack>>;
try {
  stack = await startStack({
    dataDir,
    kafkaBrokers,
    ports: DEV_PORTS,
    otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
    storefront: true,
    console: true,
    onProgress: log,
    supervise: true,
    prometheus: withPrometheus,
  });
} catch (err) {
  console.error(`webstore: could not start: ${(err as Error).message}`);
  console.error(
    `webstore: is something else using ports 9092, 8000, 8101-8103, 3001, 3002, 4317 or 4318${withPrometheus ? ', 9090, 9093' : ''}? (\`npm run doctor\` shows what is running)`,
  );
  process.exit(1);
}

const { urls } = stack;
console.log(`
WebStore is running.
  Console      ${urls.console}  traces, logs and metrics of everything below
  Store        ${urls.storefront ?? '(storefront not built: npm run build)'}
  API          ${urls.gateway}/api/products
  API docs     ${urls.gateway}/docs
  Metrics      ${urls.gateway}/metrics  ${urls.inventory}/metrics  ${urls.payment}/metrics  ${urls.analytics}/metrics
  OTLP         services export to ${stack.otlpEndpoint}; the console receives on gRPC :${DEV_PORTS.otlpGrpc} and HTTP :${DEV_PORTS.otlpHttp}
               (the store's page sends its spans to the store, which forwards them to ${stack.consoleOtlpHttp ?? 'nowhere'})
  Kafka        ${stack.kafkaBrokers}${kafkaBrokers ? '' : ' (embedded broker)'}
  Logs         ${join(stack.dataDir, 'logs')}/<service>.log
  Alerts       ${
    urls.prometheus
      ? `${urls.prometheus}/alerts  ${urls.console}/api/alerts${urls.alertmanager ? `  Alertmanager ${urls.alertmanager}` : ''}`
      : '(no Prometheus: npm start -- --with-prometheus)'
  }
Place an order:
  curl -s -X POST ${urls.gateway}/api/orders -H 'Authorization: Bearer user-token-123' \\
       -H 'Content-Type: application/json' -d '{"items":[{"productId":"sku-lamp","quantity":1}],"country":"BR"}'
A process that dies is restarted (with backoff); each restart is reported here.
Press Ctrl-C to stop.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    log('stopping...');
    void stack.stop().then(() => {
      log('stopped; data kept in ' + stack.dataDir);
      process.exit(0);
    });
  });
}
