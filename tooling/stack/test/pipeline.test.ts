// The whole pipeline as real processes: embedded broker, gateway, inventory, payment, analytics,
// each started with the real telemetry preload and exporting OTLP to a receiver in this test.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decidePayment } from '@webstore/payment';
import { productById, SAGA_PARTITIONS, TOPICS } from '@webstore/schemas';
import { startOtlpReceiver, waitFor, type FlatSpan, type OtlpReceiver } from '@webstore/testkit';
import { startStack, type Stack } from '../src/stack.js';
import { expectAnalyticsLinks, seedThatDeclines } from './pipeline-helpers.js';
import { stackClient } from './helpers.js';

const PAYMENT_SEED = 7;
let receiver: OtlpReceiver;
let stack: Stack;
let dataDir: string;
let kafka: InstanceType<typeof kafkajs.Kafka>;
let client: ReturnType<typeof stackClient>;

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
  client = stackClient(stack);
  kafka = client.kafka;
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('orders through the pipeline', () => {
  it('reach a terminal state from every country, with declines for the seeded reason and clean stock-outs', async () => {
    const stockBefore = await client.stockOf('sku-kettle');
    const decline = seedThatDeclines('BR');
    const placed = await Promise.all(
      ['US', 'UK', 'DE', 'FR', 'JP', 'IN'].map((country) =>
        client.placeOrder({
          items: [{ productId: 'sku-kettle', quantity: 1 }],
          country,
          paymentSeed: 1,
        }),
      ),
    );
    const declined = await client.placeOrder({
      items: [{ productId: 'sku-kettle', quantity: 2 }],
      country: 'BR',
      paymentSeed: decline.seed,
    });
    const outOfStock = await client.placeOrder({
      items: [{ productId: 'sku-stove', quantity: 50 }],
      country: 'US',
    });
    const orders = await client.untilTerminal([
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
    await waitFor(
      async () => (await client.stockOf('sku-kettle')) === stockBefore - completedKettles,
      {
        timeoutMs: 10_000,
        message: 'kettle stock reflects completed orders only',
      },
    );
    expect(productById('sku-kettle')!.initialStock).toBeGreaterThanOrEqual(stockBefore);
  });

  it('is one trace across every topic: each consumer span a child of its producer span; analytics links to it', async () => {
    const { orderId, traceId } = await client.placeOrder({
      items: [{ productId: 'sku-lamp', quantity: 1 }],
      country: 'US',
      paymentSeed: 1,
    });
    const [done] = await client.untilTerminal([orderId]);
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
      const messages = await client.readTopic(topic);
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
    const { orderId } = await client.placeOrder({
      items: [{ productId: 'sku-mouse', quantity: 1 }],
      country: 'DE',
      paymentSeed: 1,
    });
    await client.untilTerminal([orderId]);
    const original = (await client.readTopic(TOPICS.orders)).find(
      (m) => m.key?.toString() === orderId,
    )!;
    const reserved = (await client.readTopic(TOPICS.inventory)).find(
      (m) => m.key?.toString() === orderId,
    )!;
    const paymentsBefore = await client.metricValue(stack.urls.payment, 'webstore_payments_total');
    const duplicatesBefore = await client.metricValue(
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
        (await client.metricValue(stack.urls.payment, 'webstore_consumer_messages_total', {
          outcome: 'duplicate',
        })) > duplicatesBefore,
      {
        timeoutMs: 20_000,
        message: 'payment saw the duplicate',
      },
    );
    await waitFor(
      async () =>
        (await client.metricValue(stack.urls.inventory, 'webstore_consumer_messages_total', {
          outcome: 'duplicate',
        })) > 0,
      {
        timeoutMs: 20_000,
        message: 'inventory saw the duplicate',
      },
    );
    expect(await client.metricValue(stack.urls.payment, 'webstore_payments_total')).toBe(
      paymentsBefore,
    );
    const outcomes = (await client.readTopic(TOPICS.payments)).filter(
      (m) => m.key?.toString() === orderId,
    );
    expect(outcomes).toHaveLength(1);
  });

  it('ignores a duplicate cause with a different event id: one reservation, one charge, counted once', async () => {
    const { orderId } = await client.placeOrder({
      items: [{ productId: 'sku-mouse', quantity: 1 }],
      country: 'US',
      paymentSeed: 1,
    });
    await client.untilTerminal([orderId]);
    const placed = (await client.readTopic(TOPICS.orders)).find(
      (m) => m.key?.toString() === orderId,
    )!;
    const reserved = (await client.readTopic(TOPICS.inventory)).find(
      (m) => m.key?.toString() === orderId && m.headers!.ce_type!.toString().includes('reserved'),
    )!;
    const stockBefore = await client.stockOf('sku-mouse');
    const chargesBefore = await client.metricValue(stack.urls.payment, 'webstore_payments_total');
    const placedCounted = () =>
      client.metricValue(stack.urls.analytics, 'webstore_customer_segment_total', {
        action: 'order_placed',
      });
    const placedBefore = await placedCounted();
    const analyticsOrders = () =>
      client.metricValue(stack.urls.analytics, 'webstore_consumer_messages_total', {
        event_type: 'OrderPlaced',
        outcome: 'processed',
      });
    const analyticsOrdersBefore = await analyticsOrders();
    const producer = kafka.producer();
    await producer.connect();
    const copy = (m: kafkajs.KafkaMessage, id: string) => ({
      key: m.key,
      value: m.value,
      headers: { ...m.headers, ce_id: id },
    });
    await producer.send({ topic: TOPICS.orders, messages: [copy(placed, `dup-order-${orderId}`)] });
    await producer.send({
      topic: TOPICS.inventory,
      messages: [copy(reserved, `dup-reserved-${orderId}`)],
    });
    await producer.disconnect();
    // Both copies are new events to the runtime (new ids): they are processed, and re-publish the
    // recorded outcomes, whose ids derive from the order.
    await waitFor(
      async () =>
        (await client.readTopic(TOPICS.payments)).filter((m) => m.key?.toString() === orderId)
          .length >= 2,
      { timeoutMs: 20_000, message: 'payment re-published its recorded outcome for the copy' },
    );
    expect(await client.eventsFor(TOPICS.payments, orderId)).toHaveLength(1);
    // Inventory published one StockReserved (the copy sent by this test aside).
    expect(
      (await client.eventsFor(TOPICS.inventory, orderId)).filter((e) => !e.id.startsWith('dup-')),
    ).toHaveLength(1);
    expect(await client.metricValue(stack.urls.payment, 'webstore_payments_total')).toBe(
      chargesBefore,
    );
    expect(await client.stockOf('sku-mouse')).toBe(stockBefore);
    await waitFor(async () => (await analyticsOrders()) > analyticsOrdersBefore, {
      timeoutMs: 20_000,
      message: 'analytics processed the copy of OrderPlaced',
    });
    expect(await placedCounted()).toBe(placedBefore);
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
        dead = (await client.readTopic(`${TOPICS.orders}.dlq`)).find(
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
    const { orderId } = await client.placeOrder({
      items: [{ productId: 'sku-bottle', quantity: 1 }],
      country: 'US',
      paymentSeed: 1,
    });
    expect((await client.untilTerminal([orderId]))[0]!.status).toBe('completed');
  });

  it('loses no order when payment is killed mid-stream and restarted', async () => {
    const first = await Promise.all(
      Array.from({ length: 10 }, () =>
        client.placeOrder({ items: [{ productId: 'sku-book-sre', quantity: 1 }], country: 'FR' }),
      ),
    );
    await stack.killService('payment');
    const second = await Promise.all(
      Array.from({ length: 10 }, () =>
        client.placeOrder({ items: [{ productId: 'sku-book-sre', quantity: 1 }], country: 'FR' }),
      ),
    );
    await stack.startService('payment');
    const orders = await client.untilTerminal(
      [...first, ...second].map((o) => o.orderId),
      90_000,
    );
    expect(orders.filter((o) => o.status !== 'completed' && o.status !== 'failed')).toEqual([]);
    // Exactly one payment outcome per order: a restarted payment re-publishes a decision it had
    // recorded (same event id), it never decides twice.
    for (const o of orders) {
      const outcomes = await client.eventsFor(TOPICS.payments, o.orderId);
      expect(outcomes, `payment outcomes of ${o.orderId}`).toHaveLength(1);
    }
    // The restarted instance says what it owns: it joined the group (a rebalance) and holds every
    // partition of the topic it reads.
    const owned = { group: 'payment', topic: TOPICS.inventory };
    expect(
      await client.metricValue(stack.urls.payment, 'webstore_consumer_assigned_partitions', owned),
    ).toBe(SAGA_PARTITIONS);
    expect(
      await client.metricValue(stack.urls.payment, 'webstore_consumer_rebalances_total', {
        group: 'payment',
      }),
    ).toBeGreaterThanOrEqual(1);
  });
});
