// The replay marker reaches the span tail sampling reads: an in-process tracer provider records
// the caller's span (the kafkajs instrumentation is not in play here; the attribute is ours).
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroker, type Broker } from '@webstore/embedded-kafka';
import type { EventInput } from '@webstore/schemas';
import { createPublisher, REPLAY_HEADER } from './publisher.js';

const exporter = new InMemorySpanExporter();
let broker: Broker;
let producer: kafkajs.Producer;

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  broker = await createBroker({ port: 0, defaultPartitions: 1 });
  const kafka = new kafkajs.Kafka({
    brokers: [broker.bootstrap],
    logLevel: kafkajs.logLevel.NOTHING,
  });
  producer = kafka.producer();
  await producer.connect();
});

afterAll(async () => {
  await producer.disconnect();
  await broker.stop();
  trace.disable();
  context.disable();
});

const order: EventInput<'OrderPlaced'> = {
  orderId: 'ord-7',
  customerId: 'cust-ana',
  country: 'US',
  currency: 'USD',
  items: [{ productId: 'sku-lamp', quantity: 1, unitPriceCents: 5900 }],
  totalCents: 5900,
  placedAt: new Date().toISOString(),
};

async function publishInSpan(name: string, headers?: Record<string, string>) {
  const publisher = createPublisher({ producer, source: '/webstore/test' });
  await trace.getTracer('test').startActiveSpan(name, async (span) => {
    await publisher.publish('OrderPlaced', order, { key: order.orderId, headers });
    span.end();
  });
  return exporter.getFinishedSpans().find((s) => s.name === name)!;
}

describe('replay marker', () => {
  it('sets webstore.replay=true on the active span when the publish carries a replay id', async () => {
    const span = await publishInSpan('replayed', { [REPLAY_HEADER]: 'rpl-1' });
    expect(span.attributes).toMatchObject({
      'webstore.replay': true,
      'order.id': 'ord-7',
      'customer.country': 'US',
    });
  });

  it('leaves ordinary publishes unmarked', async () => {
    const span = await publishInSpan('ordinary');
    expect(span.attributes['order.id']).toBe('ord-7');
    expect(span.attributes).not.toHaveProperty('webstore.replay');
  });
});
