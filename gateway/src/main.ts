import kafkajs from 'kafkajs';
import { onShutdown } from '@webstore/observability/lifecycle';
import { createLogger } from '@webstore/observability/logger';
import { createMetrics } from '@webstore/observability/metrics';
import { openStore } from '@webstore/consumer-runtime/store';
import { createPublisher } from '@webstore/producer-client';
import {
  createApp,
  idempotencyKeys,
  loadConfig,
  OrderProjection,
  startOrderDeadlines,
  startProjection,
} from './app.js';

const log = createLogger('gateway');
let config;
try {
  config = loadConfig(process.env);
} catch (err) {
  console.error(`gateway: ${(err as Error).message}`);
  process.exit(2);
}
const metrics = createMetrics();
const kafka = new kafkajs.Kafka({
  clientId: 'gateway',
  brokers: config.kafkaBrokers,
  logLevel: kafkajs.logLevel.WARN,
  retry: { retries: 10 },
});
const producer = kafka.producer({ allowAutoTopicCreation: true });
let kafkaUp = false;
producer.on(producer.events.CONNECT, () => (kafkaUp = true));
producer.on(producer.events.DISCONNECT, () => (kafkaUp = false));
const store = openStore(`${config.dataDir}/gateway.db`);
const projection = new OrderProjection(store, metrics);
const keys = idempotencyKeys(store);
const publisher = createPublisher({ producer, source: '/webstore/gateway' });
const evict = () => {
  projection.evict(Date.now() - config.orderRetentionMs);
  keys.evict(Date.now() - config.orderRetentionMs);
};
evict();
setInterval(evict, 60_000).unref();
const app = createApp({
  config,
  publisher,
  projection,
  keys,
  metrics,
  log,
  readiness: { kafka: () => kafkaUp, projectionCaughtUp: () => projection.caughtUp },
});
await producer.connect();
const consumer = await startProjection(kafka, projection, log);
const stopDeadlines = startOrderDeadlines({
  projection,
  publisher,
  deadlineMs: config.orderTimeoutMs,
  log,
});
const server = app.listen(config.port, config.host, () =>
  log.info({ port: config.port }, 'gateway listening'),
);
onShutdown(() => new Promise<void>((resolve) => server.close(() => resolve())), 'http server');
onShutdown(() => consumer.disconnect(), 'projection consumer');
onShutdown(stopDeadlines, 'order deadlines');
onShutdown(() => producer.disconnect(), 'kafka producer');
onShutdown(() => store.close(), 'state');
