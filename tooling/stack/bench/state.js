// State benchmark: restart time and memory of the services as history grows. Events are written
// straight to the topics of a local stack (telemetry off) — 90 % shopper activity, 10 % orders,
// which the whole saga then processes — until every consumer group has caught up; then each
// service's RSS is read, it is restarted, and the time until it is ready again and its RSS after
// are read. Done at each checkpoint (default 100,000 and 1,000,000 events), so growth with
// history shows. Prints numbers; asserts nothing.
//   npm run bench:state -w @webstore/stack [-- --checkpoints 100000,1000000]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import kafkajs from 'kafkajs';
import { encodeEvent, TOPICS } from '@webstore/schemas';
import { startStack } from '../dist/stack.js';

const { values } = parseArgs({
  options: { checkpoints: { type: 'string', default: '100000,1000000' } },
});
const CHECKPOINTS = values.checkpoints.split(',').map(Number);
const SERVICES = ['gateway', 'inventory', 'payment', 'analytics'];
const GROUPS = {
  gateway: {
    group: 'gateway-projection',
    topics: [TOPICS.orders, TOPICS.inventory, TOPICS.payments],
  },
  inventory: { group: 'inventory', topics: [TOPICS.orders, TOPICS.payments] },
  payment: { group: 'payment', topics: [TOPICS.inventory, TOPICS.orders] },
  analytics: {
    group: 'analytics',
    topics: [TOPICS.activity, TOPICS.orders, TOPICS.inventory, TOPICS.payments],
  },
};
const COUNTRIES = ['US', 'UK', 'DE', 'FR', 'JP', 'BR', 'IN'];

const rssMiB = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const log = (m) => console.error(`state-bench: ${m}`);

const dataDir = mkdtempSync(join(tmpdir(), 'webstore-state-bench-'));
const stack = await startStack({
  dataDir,
  telemetry: false,
  env: { LOG_LEVEL: 'warn', PAYMENT_LATENCY_MS: '0' },
  // Plenty of stock, so the orders go through the whole saga.
  serviceEnv: { inventory: { RESTOCK_THRESHOLD: '1000', RESTOCK_QUANTITY: '100000' } },
});
const kafka = new kafkajs.Kafka({
  brokers: [stack.kafkaBrokers],
  logLevel: kafkajs.logLevel.NOTHING,
});
const producer = kafka.producer();
const admin = kafka.admin();
await Promise.all([producer.connect(), admin.connect()]);

function event(i) {
  const country = COUNTRIES[i % COUNTRIES.length];
  const occurredAt = new Date().toISOString();
  if (i % 10 === 9) {
    const orderId = `bench-${i}`;
    return {
      topic: TOPICS.orders,
      message: encodeEvent(
        'OrderPlaced',
        {
          orderId,
          customerId: `cust-${i % 5000}`,
          country,
          currency: 'USD',
          items: [{ productId: 'sku-bottle', quantity: 1, unitPriceCents: 3500 }],
          totalCents: 3500,
          placedAt: occurredAt,
          synthetic: true,
          paymentSeed: i,
        },
        { source: '/webstore/bench', key: orderId },
      ),
    };
  }
  const sessionId = `s-${i % 20_000}`;
  return {
    topic: TOPICS.activity,
    message: encodeEvent(
      'ProductViewed',
      { sessionId, country, occurredAt, productId: 'sku-lamp', synthetic: true },
      { source: '/webstore/bench', key: sessionId },
    ),
  };
}

async function lagOf({ group, topics }) {
  let lag = 0;
  for (const topic of topics) {
    const high = await admin.fetchTopicOffsets(topic);
    const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    for (const { partition, high: end } of high) {
      const at = Number(
        committed[0]?.partitions.find((p) => p.partition === partition)?.offset ?? -1,
      );
      if (end !== '0') lag += Math.max(0, Number(end) - Math.max(0, at));
    }
  }
  return lag;
}

async function caughtUp() {
  const started = Date.now();
  let zeroBefore = false;
  for (;;) {
    const lags = [];
    for (const s of SERVICES) lags.push(await lagOf(GROUPS[s]));
    const total = lags.reduce((a, b) => a + b, 0);
    // Two readings in a row: offsets are read one topic at a time while the consumers move.
    if (total === 0 && zeroBefore) return (Date.now() - started) / 1000;
    zeroBefore = total === 0;
    log(
      `waiting for the consumers to catch up: ${lags.map((l, i) => `${SERVICES[i]} ${l}`).join(', ')}`,
    );
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const rows = {};
try {
  let written = 0;
  for (const checkpoint of CHECKPOINTS) {
    log(`writing events up to ${checkpoint}`);
    while (written < checkpoint) {
      const batch = Array.from({ length: Math.min(2000, checkpoint - written) }, (_, k) =>
        event(written + k),
      );
      const byTopic = new Map();
      for (const { topic, message } of batch)
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), message]);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      written += batch.length;
    }
    const drain = await caughtUp();
    log(`caught up ${drain.toFixed(0)} s after the last write`);
    for (const name of SERVICES) {
      const before = rssMiB(stack.process(name).child.pid);
      await stack.stopService(name);
      const started = performance.now();
      await stack.startService(name);
      const restartMs = performance.now() - started;
      // Let it settle (it may read a few uncommitted messages again), then read its memory.
      await caughtUp();
      rows[`${name} @ ${checkpoint.toLocaleString('en-US')}`] = {
        'RSS before restart MiB': before.toFixed(0),
        'restart to ready ms': restartMs.toFixed(0),
        'RSS after restart MiB': rssMiB(stack.process(name).child.pid).toFixed(0),
      };
    }
  }
} finally {
  await Promise.all([producer.disconnect(), admin.disconnect()]);
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(
  `state benchmark: events written straight to the topics (90 % ProductViewed, 10 % OrderPlaced, each order then going through reservation, payment and analytics); telemetry off`,
);
console.table(rows);
process.exit(0);
