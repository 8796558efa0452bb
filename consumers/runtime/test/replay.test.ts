// A replayed message (header webstore_replay_id) marks the consumer's `process` span with
// webstore.replay=true, which the collector's `replays` policy keeps, and what it causes carries
// the marker on. The service runs as a child process with the real preload, exporting OTLP here.
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroker, type Broker } from '@webstore/embedded-kafka';
import { createPublisher, REPLAY_HEADER } from '@webstore/producer-client';
import type { EventInput } from '@webstore/schemas';
import {
  spawnService,
  startOtlpReceiver,
  waitFor,
  type OtlpReceiver,
  type SpawnedService,
} from '@webstore/testkit';

let broker: Broker;
let receiver: OtlpReceiver;
let service: SpawnedService;
let kafka: InstanceType<typeof kafkajs.Kafka>;

beforeAll(async () => {
  broker = await createBroker({ port: 0, defaultPartitions: 1 });
  receiver = await startOtlpReceiver();
  kafka = new kafkajs.Kafka({ brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  service = await spawnService({
    command: process.execPath,
    args: ['--import', '@webstore/observability/register', 'test/fixtures/replay-consumer.js'],
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: {
      KAFKA_BROKERS: broker.bootstrap,
      OTEL_SERVICE_NAME: 'replay-fixture',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_SDK_DISABLED: undefined,
    },
    readyLine: /replay fixture running/,
  });
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await receiver?.close();
  await broker?.stop();
});

const order = (orderId: string): EventInput<'OrderPlaced'> => ({
  orderId,
  customerId: 'cust-ana',
  country: 'US',
  currency: 'USD',
  items: [{ productId: 'sku-lamp', quantity: 1, unitPriceCents: 5900 }],
  totalCents: 5900,
  placedAt: new Date().toISOString(),
});

describe('replayed messages', () => {
  it('mark the process span and carry the replay id onto caused events', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const publisher = createPublisher({ producer, source: '/webstore/replay' });
    await publisher.publish('OrderPlaced', order('ord-replayed'), {
      key: 'ord-replayed',
      headers: { [REPLAY_HEADER]: 'rpl-42' },
    });
    await publisher.publish('OrderPlaced', order('ord-live'), { key: 'ord-live' });
    await producer.disconnect();

    const processSpan = (orderKey: string) =>
      receiver
        .spans()
        .find(
          (s) =>
            s.kind === 'CONSUMER' &&
            s.name === 'process webstore.orders.v1' &&
            s.attributes['messaging.kafka.message.key'] === orderKey,
        );
    await waitFor(() => processSpan('ord-replayed') && processSpan('ord-live'), {
      timeoutMs: 20_000,
      message: 'process spans of the replayed and the live order',
    });
    expect(processSpan('ord-replayed')!.attributes['webstore.replay']).toBe(true);
    expect(processSpan('ord-live')!.attributes).not.toHaveProperty('webstore.replay');

    const caused: kafkajs.KafkaMessage[] = [];
    const reader = kafka.consumer({ groupId: 'replay-test-reader' });
    await reader.connect();
    await reader.subscribe({ topic: 'webstore.inventory.v1', fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void caused.push(message) });
    await waitFor(() => caused.length === 2, {
      timeoutMs: 20_000,
      message: 'the two StockReserved events the orders caused',
    });
    await reader.disconnect();
    const replayIds = Object.fromEntries(
      caused.map((m) => [m.key!.toString(), m.headers?.[REPLAY_HEADER]?.toString()]),
    );
    expect(replayIds).toEqual({ 'ord-replayed': 'rpl-42', 'ord-live': undefined });
  }, 60_000);
});
