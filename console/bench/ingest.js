// Console ingestion benchmark: the console runs in its own process; this process plays the services,
// exporting order-shaped traces (about 20 spans per order) and their logs through the real OTLP gRPC
// exporters at fixed order rates. Prints spans/s ingested, the console's CPU share and how long it
// took to drain what was sent. Numbers only; nothing asserts on them.
//   npm run bench -w @webstore/console -- --rates 200,400,800 --seconds 10
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { freePort } from '@webstore/testkit/free-port';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '200,400,800' },
    seconds: { type: 'string', default: '10' },
  },
});
const rates = values.rates.split(',').map(Number);
const seconds = Number(values.seconds);
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const TICKS_PER_SECOND = 100; // Linux USER_HZ

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

const dataDir = mkdtempSync(join(tmpdir(), 'console-bench-'));
const [apiPort, grpcPort, httpPort] = [await freePort(), await freePort(), await freePort()];
const child = spawn(process.execPath, [MAIN], {
  env: {
    ...process.env,
    CONSOLE_PORT: String(apiPort),
    CONSOLE_OTLP_GRPC_PORT: String(grpcPort),
    CONSOLE_OTLP_HTTP_PORT: String(httpPort),
    CONSOLE_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
// Never leave the console behind, whatever happens here.
process.on('exit', () => child.kill('SIGKILL'));
const api = `http://127.0.0.1:${apiPort}`;
for (let i = 0; ; i++) {
  if (
    await fetch(`${api}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
  )
    break;
  if (i > 200) throw new Error('the console did not start');
  await sleep(50);
}

const endpoint = `http://127.0.0.1:${grpcPort}`;
const services = ['gateway', 'inventory', 'payment', 'analytics'];
const tracers = {};
const loggers = {};
const providers = [];
for (const service of services) {
  const resource = resourceFromAttributes({ 'service.name': `bench-${service}` });
  const tp = new BasicTracerProvider({
    resource,
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: endpoint, concurrencyLimit: 200 }), {
        maxQueueSize: 200_000,
        maxExportBatchSize: 512,
        scheduledDelayMillis: 200,
      }),
    ],
  });
  const lp = new LoggerProvider({
    resource,
    processors: [
      new BatchLogRecordProcessor({
        exporter: new OTLPLogExporter({ url: endpoint, concurrencyLimit: 200 }),
        maxQueueSize: 200_000,
        maxExportBatchSize: 512,
        scheduledDelayMillis: 200,
      }),
    ],
  });
  tracers[service] = tp.getTracer('bench');
  loggers[service] = lp.getLogger('bench');
  providers.push(tp, lp);
}

let sentSpans = 0;
let sentLogs = 0;
let orderNo = 0;
const topics = ['webstore.orders.v1', 'webstore.inventory.v1', 'webstore.payments.v1'];

/** One order: 20 spans across four services, 5 log records. */
function order() {
  const id = `ord-${++orderNo}`;
  const attrs = { 'order.id': id, 'customer.country': 'BR', 'webstore.synthetic': true };
  const root = tracers.gateway.startSpan('POST /api/orders', {
    kind: SpanKind.SERVER,
    attributes: attrs,
  });
  let parent = trace.setSpan(context.active(), root);
  const koa = tracers.gateway.startSpan('middleware - orders', {}, parent);
  parent = trace.setSpan(parent, koa);
  let spans = 2;
  const chain = [
    ['gateway', 'inventory'],
    ['inventory', 'payment'],
    ['payment', 'gateway'],
  ];
  chain.forEach(([from, to], i) => {
    const topic = topics[i];
    const messaging = {
      'messaging.destination.name': topic,
      'messaging.destination.partition.id': String(orderNo % 3),
    };
    const send = tracers[from].startSpan(
      `send ${topic}`,
      { kind: SpanKind.PRODUCER, attributes: { ...attrs, ...messaging } },
      parent,
    );
    const sendCtx = trace.setSpan(parent, send);
    let next = sendCtx;
    for (const service of [to, 'analytics']) {
      const process = tracers[service].startSpan(
        `process ${topic}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            ...messaging,
            'messaging.kafka.offset': String(orderNo),
            'messaging.consumer.group.name': service,
          },
        },
        sendCtx,
      );
      const processCtx = trace.setSpan(sendCtx, process);
      if (service === to) next = processCtx;
      tracers[service].startSpan('handle', {}, processCtx).end();
      loggers[service].emit({
        body: `${service} handled ${topic}`,
        severityNumber: SeverityNumber.INFO,
        severityText: 'info',
        attributes: { orderId: id },
        context: processCtx,
      });
      process.end();
      spans += 2;
    }
    send.end();
    spans += 1;
    parent = next;
  });
  for (; spans < 20; spans++) tracers.gateway.startSpan('db query', {}, parent).end();
  loggers.gateway.emit({
    body: 'order placed',
    severityNumber: SeverityNumber.INFO,
    attributes: { orderId: id },
    context: parent,
  });
  loggers.payment.emit({
    body: 'payment authorized',
    severityNumber: SeverityNumber.INFO,
    attributes: { orderId: id },
    context: parent,
  });
  koa.end();
  root.end();
  sentSpans += 20;
  sentLogs += 8;
}

async function stored() {
  const { services: list } = await (await fetch(`${api}/api/services`)).json();
  return list
    .filter((s) => s.name.startsWith('bench-'))
    .reduce((acc, s) => ({ spans: acc.spans + s.spanCount, logs: acc.logs + s.logCount }), {
      spans: 0,
      logs: 0,
    });
}

console.log(
  `console ingestion benchmark: ${seconds} s per rate, ~20 spans and 8 log records per order, OTLP gRPC`,
);
console.log(
  '| orders/s | spans/s offered | spans/s ingested | logs/s ingested | console CPU | drain after | lost |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const rate of rates) {
  const before = await stored();
  const cpuBefore = cpuSeconds(child.pid);
  const spansBefore = sentSpans;
  const logsBefore = sentLogs;
  const started = performance.now();
  let due = 0;
  while (performance.now() - started < seconds * 1000) {
    const elapsed = (performance.now() - started) / 1000;
    for (; due < rate * elapsed; due++) order();
    await sleep(10);
  }
  const offeredSeconds = (performance.now() - started) / 1000;
  // A flush can be refused while the exporters' concurrent exports are all in flight: try again.
  for (const p of providers)
    for (let attempt = 0; ; attempt++) {
      const flushed = await p.forceFlush().then(
        () => true,
        (err) => (attempt > 50 ? Promise.reject(err) : false),
      );
      if (flushed) break;
      await sleep(100);
    }
  let now = await stored();
  const target = {
    spans: before.spans + (sentSpans - spansBefore),
    logs: before.logs + (sentLogs - logsBefore),
  };
  while (now.spans < target.spans || now.logs < target.logs) {
    if (performance.now() - started > (seconds + 120) * 1000) break;
    await sleep(100);
    now = await stored();
  }
  const wall = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(child.pid) - cpuBefore;
  const spans = now.spans - before.spans;
  const logs = now.logs - before.logs;
  const lost = target.spans - now.spans + (target.logs - now.logs);
  console.log(
    `| ${rate} | ${Math.round((sentSpans - spansBefore) / offeredSeconds)} | ${Math.round(spans / wall)} | ${Math.round(logs / wall)} | ${((cpu / wall) * 100).toFixed(0)} % of a core | ${(wall - offeredSeconds).toFixed(1)} s | ${lost} |`,
  );
}
for (const p of providers) await p.shutdown();
child.kill('SIGTERM');
await new Promise((resolve) => child.on('exit', resolve));
rmSync(dataDir, { recursive: true, force: true });
