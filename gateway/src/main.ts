import kafkajs from 'kafkajs';
import { onShutdown } from '@webstore/observability/lifecycle';
import { createLogger } from '@webstore/observability/logger';
import { createMetrics } from '@webstore/observability/metrics';
import { createPublisher } from '@webstore/producer-client';
import { createApp, loadConfig, OrderProjection, startProjection } from './app.js';

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
const projection = new OrderProjection(metrics);
const app = createApp({
  config,
  publisher: createPublisher({ producer, source: '/webstore/gateway' }),
  projection,
  metrics,
  log,
  readiness: { kafka: () => kafkaUp, projectionCaughtUp: () => projection.caughtUp },
});
await producer.connect();
const consumer = await startProjection(kafka, projection, log);
const server = app.listen(config.port, config.host, () =>
  log.info({ port: config.port }, 'gateway listening'),
);
onShutdown(() => new Promise<void>((resolve) => server.close(() => resolve())), 'http server');
onShutdown(() => consumer.disconnect(), 'projection consumer');
onShutdown(() => producer.disconnect(), 'kafka producer');
