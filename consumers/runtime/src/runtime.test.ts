import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { createBroker } from '@webstore/embedded-kafka';
import { createLogger } from '@webstore/observability/logger';
import { createMetrics } from '@webstore/observability/metrics';
import { createPublisher } from '@webstore/producer-client';
import { waitFor } from '@webstore/testkit';
import { ConfigError, loadServiceConfig } from './config.js';
import { createConsumerService } from './consumer-service.js';
import { RetriableError, backoffMs, isRetriable } from './errors.js';
import { openStore } from './store.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'runtime-'));
  dirs.push(d);
  return d;
};

describe('retry decisions', () => {
  it('retries only errors flagged retriable', () => {
    expect(isRetriable(new RetriableError('flaky'))).toBe(true);
    expect(isRetriable(new Error('bug'))).toBe(false);
    expect(isRetriable({ retriable: 'yes' })).toBe(false);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffMs(1, 100, 5000, () => 1)).toBe(100);
    expect(backoffMs(4, 100, 5000, () => 1)).toBe(800);
    expect(backoffMs(20, 100, 5000, () => 1)).toBe(5000);
    expect(backoffMs(3, 100, 5000, () => 0.5)).toBe(200);
  });
});

describe('state store', () => {
  it('keeps what a transaction wrote across a reopen, and nothing of a transaction that threw', () => {
    const path = join(tempDir(), 'state.db');
    const store = openStore(path);
    const stock = store.table<{ available: number }>('stock');
    store.transaction(() => {
      stock.put('sku-a', { available: 3 });
      stock.put('sku-b', { available: 5 });
    });
    expect(() =>
      store.transaction(() => {
        stock.put('sku-a', { available: 0 });
        throw new Error('decided against it');
      }),
    ).toThrow('decided against it');
    store.close();
    const reopened = openStore(path);
    expect(reopened.table('stock').entries()).toEqual([
      ['sku-a', { available: 3 }],
      ['sku-b', { available: 5 }],
    ]);
    reopened.close();
  });

  it('evicts only settled entries older than the cutoff', () => {
    let now = 1_000;
    const store = openStore(undefined, () => now);
    const t = store.table<string>('orders');
    t.put('open', 'held');
    t.put('old', 'done', { settled: true });
    now = 5_000;
    t.put('recent', 'done', { settled: true });
    expect(t.evictSettledBefore(4_000)).toBe(1);
    expect(t.entries().map(([k]) => k)).toEqual(['open', 'recent']);
    store.close();
  });
});

describe('service configuration', () => {
  it('has defaults and names the bad variable', () => {
    expect(loadServiceConfig({}, 'payment', 8102)).toMatchObject({
      kafkaBrokers: ['localhost:9092'],
      port: 8102,
      dataDir: '.data/payment',
      dedupeWindowMs: 86_400_000,
    });
    expect(() => loadServiceConfig({ DEDUPE_WINDOW_MS: '-1' }, 'payment', 8102)).toThrow(
      /DEDUPE_WINDOW_MS/,
    );
    expect(() => loadServiceConfig({ PORT: 'eighty' }, 'payment', 8102)).toThrow(/PORT/);
    expect(() => loadServiceConfig({ KAFKA_BROKERS: 'localhost' }, 'payment', 8102)).toThrow(
      ConfigError,
    );
  });
});

describe('consumer service', () => {
  it('retries a retriable failure, then dead-letters it and keeps consuming', async () => {
    const broker = await createBroker({ port: 0 });
    const kafka = new kafkajs.Kafka({
      brokers: [broker.bootstrap],
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const attempts = new Map<string, number>();
    const service = createConsumerService({
      kafka,
      groupId: 'runtime-test',
      topics: ['webstore.payments.v1'],
      log: createLogger('runtime-test', { level: 'fatal' }),
      metrics: createMetrics(),
      store: openStore(join(tempDir(), 'state.db')),
      source: '/test',
      retry: { maxAttempts: 3, baseMs: 1 },
      handlers: {
        PaymentAuthorized: ({ event }) => {
          attempts.set(event.data.orderId, (attempts.get(event.data.orderId) ?? 0) + 1);
          if (event.data.orderId === 'flaky') throw new RetriableError('processor timeout');
        },
      },
    });
    await service.start();
    const producer = kafka.producer();
    await producer.connect();
    const publisher = createPublisher({ producer, source: '/test' });
    const payment = (orderId: string) =>
      publisher.publish(
        'PaymentAuthorized',
        {
          orderId,
          paymentId: 'p',
          customerId: 'c',
          country: 'US',
          amountCents: 1,
          currency: 'USD',
          authorizedAt: new Date().toISOString(),
        },
        { key: orderId },
      );
    await payment('flaky');
    await payment('fine');
    await waitFor(() => attempts.get('fine') === 1, {
      timeoutMs: 20_000,
      message: 'the next message is processed',
    });
    expect(attempts.get('flaky')).toBe(3);
    const dead: kafkajs.KafkaMessage[] = [];
    const reader = kafka.consumer({ groupId: 'dlq-reader' });
    await reader.connect();
    await reader.subscribe({ topic: 'webstore.payments.v1.dlq', fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void dead.push(message) });
    await waitFor(() => dead.length === 1, { timeoutMs: 20_000 });
    expect(dead[0]!.headers!.dlq_error!.toString()).toBe('RetriableError');
    expect(dead[0]!.headers!.dlq_error_message!.toString()).toBe('processor timeout');
    await reader.disconnect();
    await producer.disconnect();
    await service.stop();
    await broker.stop();
  }, 60_000);
});

describe('consumer service in batch mode', () => {
  it('handles each message once, dead-letters poison, and commits what it processed', async () => {
    const broker = await createBroker({ port: 0 });
    const kafka = new kafkajs.Kafka({
      brokers: [broker.bootstrap],
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const dataDir = tempDir();
    const seen: string[] = [];
    let store = openStore(join(dataDir, 'state.db'));
    const make = () =>
      createConsumerService({
        kafka,
        groupId: 'batch-test',
        topics: ['webstore.payments.v1'],
        log: createLogger('runtime-test', { level: 'fatal' }),
        metrics: createMetrics(),
        store,
        source: '/test',
        mode: 'batch',
        handlers: { PaymentAuthorized: ({ event }) => void seen.push(event.data.orderId) },
      });
    const producer = kafka.producer();
    await producer.connect();
    const publisher = createPublisher({ producer, source: '/test' });
    const pay = (orderId: string, id?: string) =>
      publisher.publish(
        'PaymentAuthorized',
        {
          orderId,
          paymentId: 'p',
          customerId: 'c',
          country: 'US',
          amountCents: 1,
          currency: 'USD',
          authorizedAt: new Date().toISOString(),
        },
        { key: orderId, ...(id ? { id } : {}) },
      );
    for (let i = 0; i < 20; i++) await pay(`o-${i}`);
    await pay('o-dup', 'same-id');
    await pay('o-dup', 'same-id');
    await publisher.publishRaw('webstore.payments.v1', {
      key: 'poison',
      value: 'not json',
      headers: { ce_type: 'com.webstore.payment.authorized.v1', ce_id: 'x' },
    });
    let service = make();
    await service.start();
    await waitFor(() => seen.length === 21, {
      timeoutMs: 20_000,
      message: `21 handled, saw ${seen.length}`,
    });
    const admin = kafka.admin();
    await admin.connect();
    const high = async () =>
      (await admin.fetchTopicOffsets('webstore.payments.v1')).reduce(
        (n, p) => n + Number(p.high),
        0,
      );
    const committed = async () =>
      (
        await admin.fetchOffsets({ groupId: 'batch-test', topics: ['webstore.payments.v1'] })
      )[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    const total = await high();
    await waitFor(async () => (await committed()) === total, {
      timeoutMs: 20_000,
      message: 'every offset committed',
    });
    await service.stop();
    store.close();

    // Restarted with the same group and state: nothing old is handled again; new messages are.
    store = openStore(join(dataDir, 'state.db'));
    service = make();
    await service.start();
    await pay('o-after-restart');
    await waitFor(() => seen.includes('o-after-restart'), {
      timeoutMs: 20_000,
      message: 'the new message handled',
    });
    expect(seen.filter((o) => o === 'o-dup')).toHaveLength(1);
    expect(seen).toHaveLength(22);
    const dead: kafkajs.KafkaMessage[] = [];
    const reader = kafka.consumer({ groupId: 'batch-dlq-reader' });
    await reader.connect();
    await reader.subscribe({ topic: 'webstore.payments.v1.dlq', fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void dead.push(message) });
    await waitFor(() => dead.length === 1, {
      timeoutMs: 20_000,
      message: 'the poison message dead-lettered',
    });
    await reader.disconnect();
    await admin.disconnect();
    await producer.disconnect();
    await service.stop();
    store.close();
    await broker.stop();
  }, 90_000);
});
