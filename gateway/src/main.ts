import { onShutdown } from '@webstore/observability/lifecycle';
import { createLogger } from '@webstore/observability/logger';
import { createMetrics } from '@webstore/observability/metrics';
import { createApp, loadConfig, OrderProjection, startProjection } from './app.js';
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
const projection = new OrderProjection(metrics);
const app = createApp({
  config,
  publisher,
  projection,
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
const server = app.listen(config.port, config.host, () =>
  log.info({ port: config.port }, 'gateway listening'),
);
onShutdown(() => new Promise<void>((resolve) => server.close(() => resolve())), 'http server');
onShutdown(() => consumer.disconnect(), 'projection consumer');
onShutdown(() => health.stop(), 'kafka health probe');
onShutdown(() => producer.disconnect(), 'kafka producer');
