// End-to-end benchmark: offers N orders/s to the gateway for a fixed time on the local stack,
// first with telemetry exported over OTLP, then with OTEL_SDK_DISABLED=true. Prints numbers only.
//   npm run bench -w @webstore/stack [-- --rate 500 --seconds 20]
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import kafkajs from 'kafkajs';
import { startStack } from '../dist/stack.js';

const { values } = parseArgs({
  options: { rate: { type: 'string', default: '500' }, seconds: { type: 'string', default: '20' } },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const DRAIN_MS = 60_000;
const PRODUCTS = [
  'sku-bottle',
  'sku-book-ddia',
  'sku-book-sre',
  'sku-book-kafka',
  'sku-earbuds',
  'sku-mouse',
];
const COUNTRIES = ['US', 'UK', 'DE', 'FR', 'JP', 'BR', 'IN'];
const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;

async function run(telemetry) {
  const dataDir = mkdtempSync(join(tmpdir(), 'webstore-bench-'));
  let sink;
  let otlpEndpoint;
  if (telemetry) {
    sink = fork(new URL('./otlp-sink.js', import.meta.url));
    ({ endpoint: otlpEndpoint } = await new Promise((resolve) => sink.once('message', resolve)));
  }
  const stack = await startStack({
    dataDir,
    otlpEndpoint,
    telemetry,
    env: { PAYMENT_LATENCY_MS: '5', LOG_LEVEL: 'warn' },
  });
  const kafka = new kafkajs.Kafka({
    brokers: [stack.kafkaBrokers],
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: 'bench-observer', maxWaitTimeInMs: 100 });
  // Both sides are recorded and matched at the end: a fast order's terminal event can arrive before
  // the 202 has been read.
  const sentAt = new Map();
  const terminalAt = new Map();
  const errorSamples = new Map();
  await consumer.connect();
  for (const topic of ['webstore.payments.v1', 'webstore.inventory.v1'])
    await consumer.subscribe({ topic });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        const type = m.headers?.ce_type?.toString() ?? '';
        if (!/payment\.(authorized|declined)|stock\.rejected/.test(type)) continue;
        if (!terminalAt.has(m.key.toString()))
          terminalAt.set(m.key.toString(), Number(m.timestamp));
      }
    },
  });
  await new Promise((r) => setTimeout(r, 2000)); // let the observer join before the first order

  let accepted = 0;
  let rejected = 0;
  let errors = 0;
  let i = 0;
  const t0 = performance.now();
  const inFlight = new Set();
  const tick = () => {
    const due = Math.floor(((performance.now() - t0) / 1000) * RATE);
    while (i < due) {
      const n = i++;
      const body = JSON.stringify({
        items: [{ productId: PRODUCTS[n % PRODUCTS.length], quantity: 1 }],
        country: COUNTRIES[n % COUNTRIES.length],
      });
      const started = Date.now();
      const p = fetch(`${stack.urls.gateway}/api/orders`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer test-token-789',
          'content-type': 'application/json',
          'x-synthetic': 'true',
        },
        body,
      })
        .then(async (r) => {
          if (r.status === 202) {
            accepted++;
            sentAt.set((await r.json()).orderId, started);
          } else {
            rejected++;
            errorSamples.set(`HTTP ${r.status}`, (errorSamples.get(`HTTP ${r.status}`) ?? 0) + 1);
          }
        })
        .catch((err) => {
          errors++;
          const key = err.cause?.code ?? err.message;
          errorSamples.set(key, (errorSamples.get(key) ?? 0) + 1);
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  };
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      tick();
      if (performance.now() - t0 >= SECONDS * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  await Promise.all(inFlight);
  const offeredSeconds = (performance.now() - t0) / 1000;
  const drainUntil = Date.now() + DRAIN_MS;
  const pending = () => [...sentAt.keys()].filter((id) => !terminalAt.has(id)).length;
  while (pending() > 0 && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 200));
  const latencies = [...sentAt]
    .filter(([id]) => terminalAt.has(id))
    .map(([id, started]) => terminalAt.get(id) - started);
  if (errorSamples.size > 0)
    console.error(
      `telemetry ${telemetry ? 'on' : 'off'}: request errors`,
      Object.fromEntries(errorSamples),
    );
  const spans = sink
    ? await new Promise((resolve) => (sink.once('message', resolve), sink.send('count')))
    : undefined;
  await consumer.disconnect();
  await stack.stop();
  if (sink) sink.send('close');
  rmSync(dataDir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return {
    telemetry: telemetry ? 'on (OTLP)' : 'off',
    'offered/s': RATE,
    'accepted/s': Math.round(accepted / offeredSeconds),
    'p50 ms': percentile(latencies, 50),
    'p95 ms': percentile(latencies, 95),
    'p99 ms': percentile(latencies, 99),
    lost: pending(),
    'http errors': rejected + errors,
    ...(spans ? { 'spans received': spans.spans } : {}),
  };
}

const on = await run(true);
const off = await run(false);
console.log(
  `end-to-end: ${RATE} orders/s offered for ${SECONDS} s to the gateway; latency = POST sent → terminal event on Kafka`,
);
console.table([on, off]);
console.log(
  `telemetry cost: accepted/s ${(100 * (1 - on['accepted/s'] / off['accepted/s'])).toFixed(1)} % lower, p99 ${on['p99 ms']} vs ${off['p99 ms']} ms`,
);
process.exit(0);
