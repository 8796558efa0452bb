// What the stack tests do to a running stack, through its public interfaces: place orders, read
// them back, wait for their sagas, read topics and metrics. A failed wait says where each order
// stopped and shows the services' last log lines.
import { readFileSync } from 'node:fs';
import kafkajs from 'kafkajs';
import { waitFor } from '@webstore/testkit';
import type { Stack } from '../src/stack.js';

export interface Order {
  orderId: string;
  status: string;
  reason?: string;
  detail?: string;
  country: string;
  traceId: string;
  sagaComplete: boolean;
  events: {
    type: string;
    service: string;
    topic: string;
    seq: number;
    data: Record<string, unknown>;
  }[];
}

export const ADMIN = 'admin-token-456';

export function stackClient(stack: Stack) {
  const kafka = new kafkajs.Kafka({
    brokers: [stack.kafkaBrokers],
    logLevel: kafkajs.logLevel.NOTHING,
  });

  async function placeOrder(
    body: object,
    token = 'user-token-123',
    headers: Record<string, string> = {},
  ): Promise<{ orderId: string; traceId: string }> {
    const response = await fetch(`${stack.urls.gateway}/api/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    if (response.status !== 202)
      throw new Error(`POST /api/orders answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as { orderId: string; traceId: string };
  }

  async function order(orderId: string, token = ADMIN): Promise<Order> {
    const response = await fetch(`${stack.urls.gateway}/api/orders/${orderId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return (await response.json()) as Order;
  }

  /** Waits until every order's saga is over: terminal, and a declined order's stock released. */
  async function untilTerminal(orderIds: string[], timeoutMs = 60_000): Promise<Order[]> {
    let orders: Order[] = [];
    try {
      await waitFor(
        async () => {
          orders = await Promise.all(orderIds.map((id) => order(id)));
          return orders.every((o) => o.sagaComplete);
        },
        { timeoutMs, message: 'every order to finish its saga (terminal, compensation done)' },
      );
    } catch (err) {
      const where = orders.map(
        (o) =>
          `${o.orderId}: ${o.status}${o.sagaComplete ? '' : ' (saga open)'} after ${o.events?.map((e) => e.type).join(' > ') || 'nothing'}`,
      );
      throw new Error(`${(err as Error).message}\n${where.join('\n')}\n${tails(stack)}`, {
        cause: err,
      });
    }
    return orders;
  }

  const readTopicOf = (topic: string) => readTopic(kafka, topic);

  /** The distinct events (by ce_id) on a topic for a record key, with their types. */
  async function eventsFor(topic: string, key: string): Promise<{ id: string; type: string }[]> {
    const byId = new Map<string, string>();
    for (const m of await readTopicOf(topic))
      if (m.key?.toString() === key)
        byId.set(m.headers!.ce_id!.toString(), m.headers!.ce_type!.toString());
    return [...byId].map(([id, type]) => ({ id, type }));
  }

  async function stockOf(productId: string): Promise<number> {
    const product = (await (
      await fetch(`${stack.urls.gateway}/api/products/${productId}`)
    ).json()) as { stock: number };
    return product.stock;
  }

  return {
    kafka,
    placeOrder,
    order,
    untilTerminal,
    readTopic: readTopicOf,
    eventsFor,
    stockOf,
    metricValue,
  };
}

/** The last lines of each service's log, for failure messages. */
export function tails(stack: Stack, lines = 12): string {
  return (['kafka', 'inventory', 'payment', 'analytics', 'gateway'] as const)
    .map((name) => {
      let text: string;
      try {
        text = readFileSync(stack.logFile(name), 'utf8');
      } catch {
        text = '(no log)';
      }
      return `--- ${name} ---\n${text.split('\n').slice(-lines).join('\n')}`;
    })
    .join('\n');
}

/** Every message of a topic (none if it does not exist), read with a throwaway group. */
export async function readTopic(
  kafka: kafkajs.Kafka,
  topic: string,
): Promise<kafkajs.KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const exists = (await admin.listTopics()).includes(topic);
  const total = exists
    ? (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0)
    : 0;
  await admin.disconnect();
  if (total === 0) return [];
  const consumer = kafka.consumer({
    groupId: `reader-${topic}-${Date.now()}`,
    maxWaitTimeInMs: 200,
  });
  const messages: kafkajs.KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
  await waitFor(() => messages.length >= total, {
    timeoutMs: 30_000,
    message: `read ${total} messages of ${topic}`,
  });
  await consumer.disconnect();
  return messages;
}

/** Sum of a Prometheus series on a service's /metrics whose labels include `labels`. */
export async function metricValue(
  url: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      total += Number(line.split(' ').pop());
  }
  return total;
}
