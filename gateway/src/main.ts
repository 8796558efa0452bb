import { onShutdown } from '@webstore/observability/lifecycle';
import { createLogger } from '@webstore/observability/logger';
import { createMetrics } from '@webstore/observability/metrics';
import { openStore } from '@webstore/consumer-runtime/store';
import {
  createGateway,
  idempotencyKeys,
  loadConfig,
  OrderProjection,
  startOrderDeadlines,
  startProjection,
} from './app.js';
import { createGatewayKafka } from './kafka.js';

const log = createLogger('gateway');
let config;
try {
  config = loadConfig(process.env);
} catch (err) {
  console.error(`gateway: ${(err as Error).message}`);
  process.exit(2);
}
const metrics = createMetrics();
const { kafka, producer, publisher, health } = createGatewayKafka(config, log);
const store = openStore(`${config.dataDir}/gateway.db`);
const projection = new OrderProjection(store, metrics);
const keys = idempotencyKeys(store);
const evict = () => {
  projection.evict(Date.now() - config.orderRetentionMs);
  keys.evict(Date.now() - config.orderRetentionMs);
};
evict();
setInterval(evict, 60_000).unref();
const { app, streams } = createGateway({
  config,
  publisher,
  projection,
  keys,
  metrics,
  log,
  readiness: {
    kafka: () => health.up,
    kafkaDetail: () => health.reason,
    projectionCaughtUp: () => projection.caughtUp,
    retryAfterSeconds: health.retryAfterSeconds,
  },
});
await producer.connect();
health.start();
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
// Open event streams would hold server.close() until their orders end: end them first.
onShutdown(() => {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  streams.endAll();
  return closed;
}, 'http server');
onShutdown(() => consumer.disconnect(), 'projection consumer');
onShutdown(stopDeadlines, 'order deadlines');
onShutdown(() => health.stop(), 'kafka health probe');
onShutdown(() => producer.disconnect(), 'kafka producer');
onShutdown(() => store.close(), 'state');
