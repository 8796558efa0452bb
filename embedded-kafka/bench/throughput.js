// Broker throughput benchmark: kafkajs producing and consuming 1 KiB messages over 3 partitions
// against the embedded broker running as its own process with a data directory (as under
// `npm start`), so its CPU and memory are measured apart from the client's. Batched produce, the
// one-message-per-request path the services use, consume, latency, and the broker's RSS after
// 1 GiB has been written. Prints numbers; asserts nothing.
//   npm run bench -w @webstore/embedded-kafka [-- --messages 200000 --single 20000 --fill-gib 1]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import kafkajs from 'kafkajs';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '200000' },
    batch: { type: 'string', default: '1000' },
    single: { type: 'string', default: '20000' },
    'fill-gib': { type: 'string', default: '1' },
  },
});
const SINGLE = Number(values.single);
const FILL_BYTES = Number(values['fill-gib']) * 1024 ** 3;
const TOTAL = Number(values.messages);
const BATCH = Number(values.batch);
const SIZE = 1024;
const TOPIC = 'bench.throughput';
const CLK_TCK = 100;

function cpuSecondsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}
const clientCpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const rssMiB = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'embedded-kafka-bench-'));
const broker = spawn(
  process.execPath,
  [cli, '--port', '0', '--partitions', '3', '--data-dir', dataDir],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const bootstrap = await new Promise((resolve, reject) => {
  broker.stdout.setEncoding('utf8').on('data', (d) => {
    const m = /listening on (\S+)/.exec(d);
    if (m) resolve(m[1]);
  });
  broker.on('exit', (code) => reject(new Error(`broker exited ${code}`)));
});

const kafka = new kafkajs.Kafka({
  clientId: 'bench',
  brokers: [bootstrap],
  logLevel: kafkajs.logLevel.NOTHING,
});
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }] });
const producer = kafka.producer({ allowAutoTopicCreation: false });
await producer.connect();
const value = Buffer.alloc(SIZE, 'x');

// Phase 1: produce as fast as the client can, acks=-1, three sends in flight.
let brokerCpu0 = cpuSecondsOf(broker.pid);
let client0 = clientCpu();
let t0 = performance.now();
let sent = 0;
const inFlight = new Set();
while (sent < TOTAL) {
  const messages = Array.from({ length: Math.min(BATCH, TOTAL - sent) }, (_, i) => ({
    key: String((sent + i) % 3),
    value,
    partition: (sent + i) % 3,
  }));
  sent += messages.length;
  const p = producer.send({ topic: TOPIC, acks: -1, messages }).then(() => inFlight.delete(p));
  inFlight.add(p);
  if (inFlight.size >= 3) await Promise.race(inFlight);
}
await Promise.all(inFlight);
const produceSeconds = (performance.now() - t0) / 1000;
const produceBrokerCpu = cpuSecondsOf(broker.pid) - brokerCpu0;
const produceClientCpu = clientCpu() - client0;

// Phase 1b: the path the services use — one message per request, acks=-1 — first awaited one at a
// time, then with 32 requests in flight (many orders at once).
async function singles(count, concurrency) {
  const latencies = [];
  const cpu0 = cpuSecondsOf(broker.pid);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await producer.send({ topic: TOPIC, acks: -1, messages: [{ key: String(i), value }] });
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    'msgs/s': Math.round(count / seconds),
    'p50 ms': percentile(latencies, 50).toFixed(2),
    'p99 ms': percentile(latencies, 99).toFixed(2),
    'broker CPU s/100k': (((cpuSecondsOf(broker.pid) - cpu0) / count) * 100_000).toFixed(2),
  };
}
const singleSerial = await singles(Math.round(SINGLE / 4), 1);
const singleConcurrent = await singles(SINGLE, 32);

// Phase 2: one consumer reads everything from the beginning.
const consumer = kafka.consumer({
  groupId: 'bench',
  maxBytesPerPartition: 4 * 1024 * 1024,
  maxBytes: 16 * 1024 * 1024,
});
await consumer.connect();
await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
brokerCpu0 = cpuSecondsOf(broker.pid);
client0 = clientCpu();
t0 = performance.now();
let consumed = 0;
let latencyPhase = false;
const latencies = [];
let done;
const finished = new Promise((r) => (done = r));
await consumer.run({
  autoCommitInterval: 1000,
  eachBatch: async ({ batch }) => {
    if (latencyPhase) {
      const now = Date.now();
      // Messages of the earlier phases (no `sent` header) may still be in the backlog.
      for (const m of batch.messages)
        if (m.headers?.sent) latencies.push(now - Number(m.headers.sent.toString()));
      if (latencies.length >= 2000) done();
      return;
    }
    consumed += batch.messages.length;
    if (consumed >= TOTAL) done();
  },
});
await finished;
const consumeSeconds = (performance.now() - t0) / 1000;
const consumeBrokerCpu = cpuSecondsOf(broker.pid) - brokerCpu0;
const consumeClientCpu = clientCpu() - client0;

// Phase 3: produce→consume latency at a steady 1,000 msgs/s (one message per send).
const done3 = new Promise((r) => (done = r));
latencyPhase = true;
const pacer = setInterval(() => {
  for (let i = 0; i < 10; i++) {
    void producer.send({
      topic: TOPIC,
      acks: -1,
      messages: [{ value, headers: { sent: String(Date.now()) } }],
    });
  }
}, 10);
await done3;
clearInterval(pacer);
latencies.sort((a, b) => a - b);

await consumer.disconnect();

// Phase 4: keep writing (batched) until 1 GiB has gone into the log, then read the broker's RSS:
// retained batches live in the segment files, so it must stay far below what was written.
const rssAtStart = rssMiB(broker.pid);
const writtenBefore = (TOTAL + SINGLE + Math.round(SINGLE / 4) + latencies.length) * SIZE;
let written = writtenBefore;
const fill = Array.from({ length: BATCH }, (_, i) => ({ value, partition: i % 3 }));
while (written < FILL_BYTES) {
  await Promise.all([0, 1, 2].map(() => producer.send({ topic: TOPIC, acks: -1, messages: fill })));
  written += 3 * BATCH * SIZE;
}
const rssAfterFill = rssMiB(broker.pid);

await producer.disconnect();
await admin.disconnect();
broker.kill('SIGTERM');
await new Promise((r) => broker.once('exit', r));
rmSync(dataDir, { recursive: true, force: true });

const per100k = (cpu, n) => ((cpu / n) * 100_000).toFixed(2);
const mb = (TOTAL * SIZE) / 1024 / 1024;
console.log(
  `embedded-kafka benchmark: ${TOTAL} messages of ${SIZE} B over 3 partitions, kafkajs ${kafkajs.PartitionAssigners ? '2.x' : ''}`.trim(),
);
console.table({
  produce: {
    'msgs/s': Math.round(TOTAL / produceSeconds),
    'MB/s': (mb / produceSeconds).toFixed(1),
    'broker CPU s/100k': per100k(produceBrokerCpu, TOTAL),
    'client CPU s/100k': per100k(produceClientCpu, TOTAL),
  },
  consume: {
    'msgs/s': Math.round(TOTAL / consumeSeconds),
    'MB/s': (mb / consumeSeconds).toFixed(1),
    'broker CPU s/100k': per100k(consumeBrokerCpu, TOTAL),
    'client CPU s/100k': per100k(consumeClientCpu, TOTAL),
  },
});
console.log('one message per request (acks=-1), as the services publish:');
console.table({ 'awaited one at a time': singleSerial, '32 in flight': singleConcurrent });
console.log(
  `produce→consume latency at 1,000 msgs/s: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms (n=${latencies.length})`,
);
const gib = (bytes) => (bytes / 1024 ** 3).toFixed(2);
console.log(
  `broker RSS (data directory on disk): ${rssAtStart.toFixed(0)} MiB after ${gib(writtenBefore)} GiB written, ${rssAfterFill.toFixed(0)} MiB after ${gib(written)} GiB`,
);
process.exit(0);
