// Failed publishes are typed: refused at once while Kafka is known down (nothing sent), and a
// send to a broker that went away fails within the deadline as a retriable PublishError.
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroker, type Broker } from '@webstore/embedded-kafka';
import type { EventInput } from '@webstore/schemas';
import { isKafkaUnavailable, KafkaUnavailableError, PublishError } from './errors.js';
import { createPublisher } from './publisher.js';

let broker: Broker;
let kafka: InstanceType<typeof kafkajs.Kafka>;

beforeAll(async () => {
  broker = await createBroker({ port: 0 });
  kafka = new kafkajs.Kafka({
    brokers: [broker.bootstrap],
    logLevel: kafkajs.logLevel.NOTHING,
    requestTimeout: 700,
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 },
  });
});

afterAll(() => broker.stop());

const viewed: EventInput<'ProductViewed'> = {
  sessionId: 'sess-1',
  country: 'US',
  productId: 'sku-lamp',
  occurredAt: new Date().toISOString(),
};

async function highWatermark(topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return offsets.reduce((n, p) => n + Number(p.high), 0);
}

describe('publish failures', () => {
  it('refuses at once while Kafka is known to be down, and sends nothing', async () => {
    const producer = kafka.producer();
    await producer.connect();
    let down: string | undefined = undefined;
    const publisher = createPublisher({
      producer,
      source: '/test',
      availability: { unavailableReason: () => down, reportFailure: () => undefined },
    });
    await publisher.publish('ProductViewed', viewed, { key: 'sess-1' });
    const before = await highWatermark('webstore.activity.v1');
    down = 'probe: ECONNREFUSED';
    const err = await publisher.publish('ProductViewed', viewed, { key: 'sess-1' }).catch((e) => e);
    expect(err).toBeInstanceOf(KafkaUnavailableError);
    expect(err).toMatchObject({ retriable: true, written: 'no', topic: 'webstore.activity.v1' });
    expect(await highWatermark('webstore.activity.v1')).toBe(before);
    await producer.disconnect();
  });

  it('fails a send to a broker that went away within the deadline, as retriable', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const failures: unknown[] = [];
    const publisher = createPublisher({
      producer,
      source: '/test',
      timeoutMs: 3_000,
      availability: { unavailableReason: () => undefined, reportFailure: (e) => failures.push(e) },
    });
    await publisher.publish('ProductViewed', viewed, { key: 'sess-1' });
    await broker.stop();
    const started = Date.now();
    const err = await publisher.publish('ProductViewed', viewed, { key: 'sess-1' }).catch((e) => e);
    expect(Date.now() - started).toBeLessThanOrEqual(3_500);
    expect(err).toBeInstanceOf(PublishError);
    expect(err.retriable).toBe(true);
    expect(isKafkaUnavailable(err)).toBe(true);
    expect(failures).toHaveLength(1);
    broker = await createBroker({ port: 0 });
    await producer.disconnect().catch(() => undefined);
  });
});
