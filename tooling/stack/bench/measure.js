// What the end-to-end benchmark measures with: each order's saga as the load generator sees it on
// Kafka, a process's CPU time, and percentiles.
import { readFileSync } from 'node:fs';
import kafkajs from 'kafkajs';
import { TOPICS, eventNameOf } from '@webstore/schemas';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const percentile = (sorted, p) =>
  sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
    : null;
const TICKS_PER_SECOND = 100; // Linux USER_HZ

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
export function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** What the load generator sees of each order on Kafka: its events, in arrival order. */
export function createObserver(brokers) {
  const kafka = new kafkajs.Kafka({
    clientId: 'bench-observer',
    brokers: [brokers],
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const consumer = kafka.consumer({
    groupId: `bench-observer-${Date.now()}`,
    maxWaitTimeInMs: 100,
  });
  /** orderId → { events: [{ name, reason }], endedAt, outcome } */
  const orders = new Map();
  let assigned = false;
  const outcomeOf = (events) => {
    const has = (name) => events.find((e) => e.name === name);
    if (has('PaymentAuthorized')) return 'completed';
    const rejected = has('StockRejected');
    if (rejected) return rejected.reason === 'out_of_stock' ? 'out_of_stock' : 'timed_out';
    const declined = has('PaymentDeclined');
    if (declined && has('StockReleased'))
      return declined.reason === 'timeout' ? 'timed_out' : 'declined';
    return undefined;
  };
  return {
    orders,
    async start() {
      await consumer.connect();
      consumer.on(consumer.events.GROUP_JOIN, () => (assigned = true));
      for (const topic of [TOPICS.orders, TOPICS.inventory, TOPICS.payments])
        await consumer.subscribe({ topic, fromBeginning: false });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          const now = Date.now();
          for (const m of batch.messages) {
            const name = eventNameOf(m.headers?.ce_type?.toString() ?? '');
            if (!name || !m.key) continue;
            const id = m.key.toString();
            let order = orders.get(id);
            if (!order)
              orders.set(id, (order = { events: [], endedAt: undefined, outcome: undefined }));
            let reason;
            if (name === 'StockRejected' || name === 'PaymentDeclined')
              reason = JSON.parse(m.value.toString()).reason;
            order.events.push({ name, reason });
            if (order.endedAt === undefined) {
              const outcome = outcomeOf(order.events);
              if (outcome) Object.assign(order, { outcome, endedAt: now });
            }
          }
        },
      });
      const deadline = Date.now() + 30_000;
      while (!assigned) {
        if (Date.now() > deadline)
          throw new Error('the observer did not join its group within 30 s');
        await sleep(50);
      }
    },
    stop: () => consumer.disconnect(),
  };
}
