// Infrastructure failures are waited out, never dead-lettered; a slow message keeps its member in
// the group. Both against the real broker and real kafkajs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { createBroker, type Broker } from '@webstore/embedded-kafka';
import { createLogger } from '@webstore/observability/logger';
import { createMetrics } from '@webstore/observability/metrics';
import { createPublisher, KafkaUnavailableError, PublishError } from '@webstore/producer-client';
import { EventDecodeError, type EventInput } from '@webstore/schemas';
import { waitFor } from '@webstore/testkit';
import { createConsumerService, type ConsumerService } from './consumer-service.js';
import { createDelivery } from './delivery.js';
import { classifyFailure, RetriableError } from './errors.js';
import { openStore } from './store.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'delivery-'));
  dirs.push(d);
  return d;
};

describe('failure kinds', () => {
  it('treats Kafka being unreachable as infrastructure, whatever kafkajs calls retriable', () => {
    const refused = new kafkajs.KafkaJSConnectionError('Connection error: connect ECONNREFUSED');
    const exhausted = new kafkajs.KafkaJSNumberOfRetriesExceeded(refused, {
      retryCount: 5,
      retryTime: 1000,
    });
    expect(exhausted.retriable).toBe(false);
    expect(classifyFailure(exhausted)).toBe('infrastructure');
    expect(classifyFailure(new PublishError('x', 't', 'unknown', { cause: exhausted }))).toBe(
      'infrastructure',
    );
    expect(classifyFailure(new kafkajs.KafkaJSRequestTimeoutError('timed out'))).toBe(
      'infrastructure',
    );
    expect(
      classifyFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBe('infrastructure');
  });

  it('dead-letters what cannot succeed and gives handler-flagged errors a few tries', () => {
    const tooLarge = new kafkajs.KafkaJSProtocolError({
      message: 'The request included a message larger than the max message size',
      type: 'MESSAGE_TOO_LARGE',
      code: 10,
      retriable: false,
    } as unknown as Error);
    expect(classifyFailure(tooLarge)).toBe('permanent');
    expect(classifyFailure(new PublishError('x', 't', 'no', { retriable: false }))).toBe(
      'permanent',
    );
    expect(
      classifyFailure(new EventDecodeError('invalid_json', 'OrderPlaced', undefined, 'not JSON')),
    ).toBe('permanent');
    expect(classifyFailure(new Error('bug'))).toBe('permanent');
    expect(classifyFailure(new RetriableError('processor timeout'))).toBe('transient');
  });
});

const reserved: EventInput<'StockReserved'> = {
  orderId: 'ord-outage',
  reservationId: 'res-outage',
  customerId: 'c',
  country: 'US',
  items: [{ productId: 'sku-lamp', quantity: 1 }],
  totalCents: 5900,
  reservedAt: new Date().toISOString(),
};

async function readAll(kafka: kafkajs.Kafka, topic: string): Promise<kafkajs.KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const existing = await admin.listTopics();
  const total = existing.includes(topic)
    ? (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0)
    : 0;
  await admin.disconnect();
  if (total === 0) return [];
  const messages: kafkajs.KafkaMessage[] = [];
  const reader = kafka.consumer({ groupId: `reader-${Date.now()}`, maxWaitTimeInMs: 200 });
  await reader.connect();
  await reader.subscribe({ topic, fromBeginning: true });
  await reader.run({ eachMessage: async ({ message }) => void messages.push(message) });
  await waitFor(() => messages.length >= total, {
    timeoutMs: 20_000,
    message: `${total} of ${topic}`,
  });
  await reader.disconnect();
  return messages;
}

describe('work a handler left to finish later', () => {
  it('waits out an outage as one outage, however many steps wait in it, and ends when told', async () => {
    const lines: { msg: string }[] = [];
    const log = createLogger('later-test', {
      level: 'info',
      stream: new Writable({
        write(line: Buffer, _encoding, done) {
          lines.push(JSON.parse(line.toString()) as { msg: string });
          done();
        },
      }),
    });
    const delivery = createDelivery({
      groupId: 'later-test',
      log,
      metrics: createMetrics(),
      heartbeatIntervalMs: 1_000,
      maxBackoffMs: 300,
    });
    let down = true;
    const attempts = [0, 0];
    const step = (i: number) => async () => {
      attempts[i]! += 1;
      if (down) throw new KafkaUnavailableError('webstore.payments.v1', 'the broker is down');
      return i;
    };
    const both = Promise.all([0, 1].map((i) => delivery.untilKafkaTakesItLater('t', step(i))));
    await waitFor(() => attempts.every((n) => n >= 3), {
      timeoutMs: 10_000,
      message: 'both steps retried at least twice while Kafka is down',
    });
    down = false;
    expect(await both).toEqual([0, 1]);
    const said = lines.map((l) => l.msg.split(':')[0]);
    expect(said).toEqual(['Kafka unreachable', 'Kafka reachable again']);

    // A permanent failure is not retried; an abort ends the wait in progress.
    const bug = new Error('a bug');
    await expect(delivery.untilKafkaTakesItLater('t', () => Promise.reject(bug))).rejects.toBe(bug);
    down = true;
    const stop = new AbortController();
    const waiting = delivery.untilKafkaTakesItLater('t', step(0), stop.signal);
    stop.abort(new Error('stopping'));
    await expect(waiting).rejects.toThrow('stopping');
  });
});

describe('consumer service under outages', () => {
  let broker: Broker | undefined;
  let service: ConsumerService | undefined;
  afterAll(async () => {
    await service?.stop().catch(() => undefined);
    await broker?.stop();
  });

  it('retries a publish that exhausted kafkajs retries while the broker was down, and dead-letters nothing', async () => {
    const dataDir = tempDir();
    broker = await createBroker({ port: 0, dataDir: join(dataDir, 'kafka') });
    const port = broker.port;
    // A small kafkajs budget, so its retries run out during the outage.
    const kafka = new kafkajs.Kafka({
      brokers: [broker.bootstrap],
      logLevel: kafkajs.logLevel.NOTHING,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 },
    });
    const metrics = createMetrics();
    const failures: string[] = [];
    let calls = 0;
    service = createConsumerService({
      kafka,
      groupId: 'outage-test',
      topics: ['webstore.inventory.v1'],
      log: createLogger('outage-test', { level: 'fatal' }),
      metrics,
      store: openStore(join(dataDir, 'service', 'state.db')),
      source: '/test',
      handlers: {
        async StockReserved({ event, publish }) {
          calls += 1;
          if (calls === 1) await broker!.stop(); // the broker dies mid-message
          try {
            await publish(
              'PaymentAuthorized',
              {
                orderId: event.data.orderId,
                paymentId: 'p',
                customerId: 'c',
                country: 'US',
                amountCents: 1,
                currency: 'USD',
                authorizedAt: new Date().toISOString(),
              },
              event.data.orderId,
            );
          } catch (err) {
            failures.push((err as Error).name + '/' + String((err as Error).cause));
            // It comes back just as kafkajs gives up: a dead letter would now be written.
            if (failures.length === 1)
              broker = await createBroker({ port, dataDir: join(dataDir, 'kafka') });
            throw err;
          }
        },
      },
    });
    await service.start();
    const producer = kafka.producer();
    await producer.connect();
    await createPublisher({ producer, source: '/test' }).publish('StockReserved', reserved, {
      key: reserved.orderId,
    });
    await producer.disconnect();
    await waitFor(() => calls >= 2, {
      timeoutMs: 30_000,
      message: `the handler to run again after its publish failed (failures: ${failures.join(', ')})`,
    });
    // kafkajs gave up: KafkaJSNumberOfRetriesExceeded, or the NonRetriable wrapper its nested
    // reconnect retrier throws; both carry the connection error as their cause.
    expect(failures[0]).toMatch(
      /^PublishError\/KafkaJS(NumberOfRetriesExceeded|NonRetriableError)/,
    );
    const outcomes = await waitFor(
      async () => {
        const found = await readAll(kafka, 'webstore.payments.v1');
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 30_000, message: 'the PaymentAuthorized published once Kafka was back' },
    );
    expect(outcomes.map((m) => m.key?.toString())).toEqual([reserved.orderId]);
    expect(await readAll(kafka, 'webstore.inventory.v1.dlq')).toEqual([]);
  }, 90_000);
});

describe('a message slower than the session timeout', () => {
  it('keeps its member in the group: one join, processed once, ready throughout', async () => {
    const traceFile = join(tempDir(), 'trace.jsonl');
    const broker = await createBroker({ port: 0, traceFile });
    const kafka = new kafkajs.Kafka({
      brokers: [broker.bootstrap],
      logLevel: kafkajs.logLevel.NOTHING,
    });
    // Generations the broker gave this group, from its protocol trace.
    const generations = () =>
      readFileSync(traceFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((e) => e.api === 'JoinGroup' && e.dir === 'response' && e.group === 'slow-test')
        .map((e) => e.generation);
    let handled = 0;
    const notReady: string[] = [];
    const service = createConsumerService({
      kafka,
      groupId: 'slow-test',
      topics: ['webstore.payments.v1'],
      log: createLogger('slow-test', { level: 'fatal' }),
      metrics: createMetrics(),
      store: openStore(),
      source: '/test',
      sessionTimeoutMs: 6_000,
      // The fault switch: longer than the session timeout.
      delayMs: () => 8_000,
      handlers: { PaymentAuthorized: () => void (handled += 1) },
    });
    let started = false;
    let stopped = false;
    const probe = setInterval(() => {
      const status = service.membership();
      if (started && !status.inGroup) notReady.push(`${status.state}: ${status.detail}`);
    }, 200);
    try {
      await service.start();
      const admin = kafka.admin();
      await admin.connect();
      const producer = kafka.producer();
      await producer.connect();
      await createPublisher({ producer, source: '/test' }).publish(
        'PaymentAuthorized',
        {
          orderId: 'ord-slow',
          paymentId: 'p',
          customerId: 'c',
          country: 'US',
          amountCents: 1,
          currency: 'USD',
          authorizedAt: new Date().toISOString(),
        },
        { key: 'ord-slow' },
      );
      await producer.disconnect();
      await waitFor(() => service.membership().inGroup, {
        timeoutMs: 20_000,
        message: 'the consumer in its group',
      });
      started = true;
      // The broker appends its trace through a write stream: the join is in the file a moment
      // after the member has it.
      await waitFor(() => generations().length > 0, {
        timeoutMs: 5_000,
        message: "the group's join in the broker's protocol trace",
      });
      const joinsBefore = generations();
      await waitFor(
        async () => {
          const [offsets] = await admin.fetchOffsets({
            groupId: 'slow-test',
            topics: ['webstore.payments.v1'],
          });
          return offsets!.partitions.some((p) => Number(p.offset) > 0);
        },
        { timeoutMs: 40_000, intervalMs: 250, message: 'the slow message committed' },
      );
      await admin.disconnect();
      const described = await kafka.admin();
      await described.connect();
      const { groups } = await described.describeGroups(['slow-test']);
      await described.disconnect();
      expect(groups[0]!.state).toBe('Stable');
      expect(handled).toBe(1);
      expect(notReady).toEqual([]);
      // No rejoin while the 8 s message was in progress: the same generation throughout. Read
      // once the broker has stopped, so its trace is complete on disk.
      clearInterval(probe);
      await service.stop();
      await broker.stop();
      stopped = true;
      expect(generations()).toEqual(joinsBefore);
    } finally {
      clearInterval(probe);
      if (!stopped) {
        await service.stop();
        await broker.stop();
      }
    }
  }, 90_000);
});
