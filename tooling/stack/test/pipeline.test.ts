// The whole pipeline as real processes: embedded broker, gateway, inventory, payment, analytics,
// each started with the real telemetry preload and exporting OTLP to a receiver in this test.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decidePayment } from '@webstore/payment';
import { productById, TOPICS } from '@webstore/schemas';
import { startOtlpReceiver, waitFor, type FlatSpan, type OtlpReceiver } from '@webstore/testkit';
import { startStack, type Stack } from '../src/stack.js';
import {
  expectAnalyticsLinks,
  metricValue,
  readTopicWith,
  seedThatDeclines,
} from './pipeline-helpers.js';

const PAYMENT_SEED = 7;
let receiver: OtlpReceiver;
let stack: Stack;
let dataDir: string;
let kafka: InstanceType<typeof kafkajs.Kafka>;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  dataDir = mkdtempSync(join(tmpdir(), 'webstore-pipeline-'));
  stack = await startStack({
    dataDir,
    otlpEndpoint: receiver.grpcEndpoint,
    env: {
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BLRP_SCHEDULE_DELAY: '200',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      PAYMENT_LATENCY_MS: '5',
    },
    serviceEnv: { payment: { PAYMENT_SEED: String(PAYMENT_SEED) } },
  });
  kafka = new kafkajs.Kafka({ brokers: [stack.kafkaBrokers], logLevel: kafkajs.logLevel.NOTHING });
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Order {
  orderId: string;
  status: string;
  reason?: string;
  detail?: string;
  country: string;
  traceId: string;
  sagaComplete: boolean;
  events: { type: string; service: string; topic: string }[];
}

async function placeOrder(
  body: object,
  token = 'user-token-123',
): Promise<{ orderId: string; traceId: string }> {
  const response = await fetch(`${stack.urls.gateway}/api/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(202);
  return (await response.json()) as { orderId: string; traceId: string };
}

async function order(orderId: string): Promise<Order> {
  const response = await fetch(`${stack.urls.gateway}/api/orders/${orderId}`, {
    headers: { authorization: 'Bearer admin-token-456' },
  });
  return (await response.json()) as Order;
}

/** Waits until every order's saga is over: terminal, and a declined order's stock released. */
async function untilTerminal(orderIds: string[], timeoutMs = 60_000): Promise<Order[]> {
  let orders: Order[] = [];
  try {
    await waitFor(
      async () => {
        orders = await Promise.all(orderIds.map(order));
        return orders.every((o) => o.sagaComplete);
      },
      { timeoutMs, message: 'every order to finish its saga (terminal, compensation done)' },
    );
  } catch (err) {
    // Say where each order stopped, and what the services were doing, so a failure explains itself.
    const where = orders.map(
      (o) =>
        `${o.orderId}: ${o.status}${o.sagaComplete ? '' : ' (saga open)'} after ${o.events?.map((e) => e.type).join(' > ') || 'nothing'}`,
    );
    const logs = (['inventory', 'payment', 'analytics', 'gateway'] as const).map(
      (name) =>
        `--- ${name} ---\n${readFileSync(stack.logFile(name), 'utf8').split('\n').slice(-15).join('\n')}`,
    );
    throw new Error(`${(err as Error).message}\n${where.join('\n')}\n${logs.join('\n')}`, {
      cause: err,
    });
  }
  return orders;
}

const readTopic = (topic: string) => readTopicWith(kafka, topic);

async function stockOf(productId: string): Promise<number> {
  const product = (await (
    await fetch(`${stack.urls.gateway}/api/products/${productId}`)
  ).json()) as { stock: number };
  return product.stock;
}

describe('orders through the pipeline', () => {
  it('reach a terminal state from every country, with declines for the seeded reason and clean stock-outs', async () => {
    const stockBefore = await stockOf('sku-kettle');
    const decline = seedThatDeclines('BR');
    const placed = await Promise.all(
      ['US', 'UK', 'DE', 'FR', 'JP', 'IN'].map((country) =>
        placeOrder({ items: [{ productId: 'sku-kettle', quantity: 1 }], country, paymentSeed: 1 }),
      ),
    );
    const declined = await placeOrder({
      items: [{ productId: 'sku-kettle', quantity: 2 }],
      country: 'BR',
      paymentSeed: decline.seed,
    });
    const outOfStock = await placeOrder({
      items: [{ productId: 'sku-stove', quantity: 50 }],
      country: 'US',
    });
    const orders = await untilTerminal([
      ...placed.map((p) => p.orderId),
      declined.orderId,
      outOfStock.orderId,
    ]);

    const byId = new Map(orders.map((o) => [o.orderId, o]));
    for (const p of placed) {
      const expected = decidePayment(
        { orderId: p.orderId, country: byId.get(p.orderId)!.country, paymentSeed: 1 },
        0,
      ).outcome;
      expect(byId.get(p.orderId)!.status).toBe(expected === 'authorized' ? 'completed' : 'failed');
    }
    expect(byId.get(declined.orderId)).toMatchObject({ status: 'failed', reason: decline.reason });
    expect(byId.get(declined.orderId)!.events.map((e) => e.type)).toEqual([
      'OrderPlaced',
      'StockReserved',
      'PaymentDeclined',
      'StockReleased',
    ]);
    expect(byId.get(outOfStock.orderId)).toMatchObject({
      status: 'failed',
      reason: 'out_of_stock',
    });
    expect(byId.get(outOfStock.orderId)!.detail).toMatch(/Camp Stove: 50 requested, \d+ available/);

    // Stock is conserved: only completed orders keep their kettles; the declined order's were released.
    const completedKettles = placed.filter(
      (p) => byId.get(p.orderId)!.status === 'completed',
    ).length;
    await waitFor(async () => (await stockOf('sku-kettle')) === stockBefore - completedKettles, {
      timeoutMs: 10_000,
      message: 'kettle stock reflects completed orders only',
    });
    expect(productById('sku-kettle')!.initialStock).toBeGreaterThanOrEqual(stockBefore);
  });

  it('is one trace across every topic: each consumer span a child of its producer span; analytics links to it', async () => {
    const { orderId, traceId } = await placeOrder({
      items: [{ productId: 'sku-lamp', quantity: 1 }],
      country: 'US',
      paymentSeed: 1,
    });
    const [done] = await untilTerminal([orderId]);
    expect(done!.traceId).toBe(traceId);
    expect(done!.status).toBe('completed');
    const expected = [
      ['gateway', 'SERVER', undefined],
      ['gateway', 'PRODUCER', `send ${TOPICS.orders}`],
      ['inventory', 'CONSUMER', `process ${TOPICS.orders}`],
      ['inventory', 'PRODUCER', `send ${TOPICS.inventory}`],
      ['payment', 'CONSUMER', `process ${TOPICS.inventory}`],
      ['payment', 'PRODUCER', `send ${TOPICS.payments}`],
      ['gateway', 'CONSUMER', `process ${TOPICS.payments}`],
    ] as const;
    let spans: FlatSpan[] = [];
    const find = (service: string, kind: string, name?: string) =>
      spans.find(
        (s) =>
          s.serviceName === service && s.kind === kind && (name === undefined || s.name === name),
      );
    await waitFor(
      () => {
        spans = receiver.spans().filter((s) => s.traceId === traceId);
        return expected.every(([service, kind, name]) => find(service, kind, name));
      },
      {
        timeoutMs: 30_000,
        message: `spans of trace ${traceId}: ${expected.map((e) => e.join(' ')).join(', ')}`,
      },
    );
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    for (const consumer of spans.filter((s) => s.kind === 'CONSUMER')) {
      const parent = byId.get(consumer.parentSpanId ?? '');
      expect(
        parent,
        `${consumer.serviceName} ${consumer.name} has its producer as parent`,
      ).toBeDefined();
      expect(parent!.kind).toBe('PRODUCER');
      expect(parent!.name.replace('send ', '')).toBe(consumer.name.replace('process ', ''));
    }
    expect(
      find('inventory', 'CONSUMER', `process ${TOPICS.orders}`)!.attributes[
        'messaging.consumer.group.name'
      ],
    ).toBe('inventory');

    await expectAnalyticsLinks(receiver, spans, traceId);

    // Bunyan lines on stdout and OTel log records carry the same trace id.
    const reservedLine = await waitFor(
      () =>
        readFileSync(stack.logFile('inventory'), 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { msg: string; trace_id?: string; orderId?: string })
          .find((r) => r.orderId === orderId && r.msg === 'stock reserved'),
      { timeoutMs: 10_000, message: `inventory's "stock reserved" log line for ${orderId}` },
    );
    expect(reservedLine.trace_id).toBe(traceId);
    await waitFor(
      () => receiver.logRecords().some((l) => l.traceId === traceId && l.serviceName === 'payment'),
      {
        timeoutMs: 20_000,
        message: 'an OTel log record from payment in the trace',
      },
    );
  });

  it('carries traceparent on every Kafka message', async () => {
    for (const topic of [TOPICS.orders, TOPICS.inventory, TOPICS.payments]) {
      const messages = await readTopic(topic);
      expect(messages.length).toBeGreaterThan(0);
      expect(
        messages.filter(
          (m) =>
            !/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/.test(m.headers?.traceparent?.toString() ?? ''),
        ),
      ).toEqual([]);
    }
  });
});

describe('delivery guarantees', () => {
  it('ignores a redelivered event: no second reservation, no second charge', async () => {
    const { orderId } = await placeOrder({
      items: [{ productId: 'sku-mouse', quantity: 1 }],
      country: 'DE',
      paymentSeed: 1,
    });
    await untilTerminal([orderId]);
    const original = (await readTopic(TOPICS.orders)).find((m) => m.key?.toString() === orderId)!;
    const reserved = (await readTopic(TOPICS.inventory)).find(
      (m) => m.key?.toString() === orderId,
    )!;
    const paymentsBefore = await metricValue(stack.urls.payment, 'webstore_payments_total');
    const duplicatesBefore = await metricValue(
      stack.urls.payment,
      'webstore_consumer_messages_total',
      { outcome: 'duplicate' },
    );
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: TOPICS.orders,
      messages: [{ key: original.key, value: original.value, headers: original.headers }],
    });
    await producer.send({
      topic: TOPICS.inventory,
      messages: [{ key: reserved.key, value: reserved.value, headers: reserved.headers }],
    });
    await producer.disconnect();
    await waitFor(
      async () =>
        (await metricValue(stack.urls.payment, 'webstore_consumer_messages_total', {
          outcome: 'duplicate',
        })) > duplicatesBefore,
      {
        timeoutMs: 20_000,
        message: 'payment saw the duplicate',
      },
    );
    await waitFor(
      async () =>
        (await metricValue(stack.urls.inventory, 'webstore_consumer_messages_total', {
          outcome: 'duplicate',
        })) > 0,
      {
        timeoutMs: 20_000,
        message: 'inventory saw the duplicate',
      },
    );
    expect(await metricValue(stack.urls.payment, 'webstore_payments_total')).toBe(paymentsBefore);
    const outcomes = (await readTopic(TOPICS.payments)).filter(
      (m) => m.key?.toString() === orderId,
    );
    expect(outcomes).toHaveLength(1);
  });

  it('dead-letters a poison message with its origin and keeps going', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: TOPICS.orders,
      messages: [
        {
          key: 'poison',
          value: '{"orderId": ',
          headers: {
            ce_id: 'poison-1',
            ce_type: 'com.webstore.order.placed.v1',
            ce_source: '/test',
            ce_time: new Date().toISOString(),
            ce_specversion: '1.0',
          },
        },
      ],
    });
    await producer.disconnect();
    let dead: kafkajs.KafkaMessage | undefined;
    await waitFor(
      async () => {
        dead = (await readTopic(`${TOPICS.orders}.dlq`)).find(
          (m) => m.headers?.dlq_group?.toString() === 'inventory',
        );
        return dead !== undefined;
      },
      { timeoutMs: 30_000, message: 'the poison message in the DLQ' },
    );
    const h = (name: string) => dead!.headers![name]!.toString();
    expect([h('dlq_error'), h('dlq_original_topic'), h('ce_id')]).toEqual([
      'invalid_json',
      TOPICS.orders,
      'poison-1',
    ]);
    expect(Number(h('dlq_original_offset'))).toBeGreaterThanOrEqual(0);
    expect(h('dlq_error_message')).toMatch(/not JSON/);
    const { orderId } = await placeOrder({
      items: [{ productId: 'sku-bottle', quantity: 1 }],
      country: 'US',
      paymentSeed: 1,
    });
    expect((await untilTerminal([orderId]))[0]!.status).toBe('completed');
  });

  it('loses no order when payment is killed mid-stream and restarted', async () => {
    const first = await Promise.all(
      Array.from({ length: 10 }, () =>
        placeOrder({ items: [{ productId: 'sku-book-sre', quantity: 1 }], country: 'FR' }),
      ),
    );
    await stack.killService('payment');
    const second = await Promise.all(
      Array.from({ length: 10 }, () =>
        placeOrder({ items: [{ productId: 'sku-book-sre', quantity: 1 }], country: 'FR' }),
      ),
    );
    await stack.startService('payment');
    const orders = await untilTerminal(
      [...first, ...second].map((o) => o.orderId),
      90_000,
    );
    expect(orders.filter((o) => o.status !== 'completed' && o.status !== 'failed')).toEqual([]);
    const outcomes = (await readTopic(TOPICS.payments)).map((m) => m.key!.toString());
    for (const o of orders)
      expect(
        outcomes.filter((k) => k === o.orderId).length,
        `payment outcomes of ${o.orderId}`,
      ).toBeGreaterThanOrEqual(1);
  });
});
