import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroker, type Broker } from '@webstore/embedded-kafka';
import { decodeEvent, EventDecodeError, type EventInput } from '@webstore/schemas';
import { CAUSATION_HEADER, createPublisher, derivedEventId } from './publisher.js';

let broker: Broker;
let kafka: InstanceType<typeof kafkajs.Kafka>;
let producer: kafkajs.Producer;

beforeAll(async () => {
  broker = await createBroker({ port: 0, defaultPartitions: 3 });
  kafka = new kafkajs.Kafka({ brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  producer = kafka.producer();
  await producer.connect();
});

afterAll(async () => {
  await producer.disconnect();
  await broker.stop();
});

const order: EventInput<'OrderPlaced'> = {
  orderId: 'ord-42',
  customerId: 'cust-ana',
  country: 'US',
  currency: 'USD',
  items: [{ productId: 'sku-lamp', quantity: 1, unitPriceCents: 5900 }],
  totalCents: 5900,
  placedAt: new Date().toISOString(),
};

describe('publisher', () => {
  it('publishes a valid CloudEvent on the catalog topic with acks=all and returns where it landed', async () => {
    const publisher = createPublisher({ producer, source: '/webstore/test' });
    const published = await publisher.publish('OrderPlaced', order, { key: order.orderId });
    expect(published.topic).toBe('webstore.orders.v1');
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('webstore.orders.v1');
    await admin.disconnect();
    expect(offsets.find((o) => o.partition === published.partition)!.high).toBe(
      String(Number(published.offset) + 1),
    );

    const consumer = kafka.consumer({ groupId: 'publisher-test' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'webstore.orders.v1', fromBeginning: true });
    const received = await new Promise<kafkajs.KafkaMessage>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(message) });
    });
    await consumer.disconnect();
    expect(received.key!.toString()).toBe('ord-42');
    const event = decodeEvent(received);
    expect(event).toMatchObject({
      name: 'OrderPlaced',
      id: published.eventId,
      source: '/webstore/test',
    });
  });

  it('derives the id of a step from its business key, whatever caused it, and records the causation', async () => {
    const publisher = createPublisher({ producer, source: '/webstore/test' });
    const a = await publisher.publish('OrderPlaced', order, {
      key: 'k',
      businessKey: 'ord-42',
      causationId: 'cause-1',
    });
    // A duplicate cause with another id publishes the same event id.
    const b = await publisher.publish('OrderPlaced', order, {
      key: 'k',
      businessKey: 'ord-42',
      causationId: 'cause-2',
    });
    expect(a.eventId).toBe(b.eventId);
    expect(a.eventId).toBe(derivedEventId('ord-42', 'OrderPlaced'));
    expect(derivedEventId('ord-43', 'OrderPlaced')).not.toBe(a.eventId);
    expect(derivedEventId('ord-42', 'OrderTimedOut')).not.toBe(a.eventId);
    expect(CAUSATION_HEADER).toBe('webstore_causation_id');
  });

  it('refuses an invalid event before anything is sent', async () => {
    const publisher = createPublisher({ producer, source: '/webstore/test' });
    await expect(
      publisher.publish('OrderPlaced', { ...order, totalCents: -5 }, { key: 'k' }),
    ).rejects.toBeInstanceOf(EventDecodeError);
  });
});
