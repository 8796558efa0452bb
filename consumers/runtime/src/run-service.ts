// The start-up every consumer service shares: config, Kafka client, consumer, management server,
// shutdown hooks. A service's main.ts is then a few lines.
import kafkajs from 'kafkajs';
import { onShutdown } from '@webstore/observability/lifecycle';
import { createLogger, type Logger } from '@webstore/observability/logger';
import { createMetrics, type WebstoreMetrics } from '@webstore/observability/metrics';
import { kafkajsLogCreator, type Publisher } from '@webstore/producer-client';
import { loadServiceConfig, type ServiceConfig } from './config.js';
import { createConsumerService, type ConsumerService, type Handlers } from './consumer-service.js';
import { createManagementServer, type Faults } from './management-server.js';
import { openStore, type StateStore } from './store.js';

const EVICT_EVERY_MS = 60_000;

export interface ServiceDefinition {
  name: 'inventory' | 'payment' | 'analytics';
  defaultPort: number;
  topics: string[];
  /** How messages are consumed (see ConsumerServiceOptions.mode); default 'message'. */
  mode?: 'message' | 'batch';
  /** Builds the handlers once config, logger, metrics and the state store exist. */
  setup(deps: {
    config: ServiceConfig;
    log: Logger;
    metrics: WebstoreMetrics;
    env: NodeJS.ProcessEnv;
    store: StateStore;
    /** The service's publisher, for work that publishes after its handler returned (available once the service exists). */
    publisher: () => Publisher;
    /** Retries such work while Kafka is unreachable (ConsumerService.untilKafkaTakesIt). */
    untilKafkaTakesIt: ConsumerService['untilKafkaTakesIt'];
  }): {
    handlers: Handlers;
    /** Deletes settled state last changed before `cutoffMs` (called every minute). */
    evict?: (cutoffMs: number) => void;
    /** Called once the consumer runs (e.g. to resume work recorded before a restart). */
    start?: () => void;
    /** Called on shutdown before the consumer stops. */
    stop?: () => Promise<void>;
  };
}

/** Runs a consumer service until SIGTERM/SIGINT; exits non-zero with a clear message on bad config. */
export async function runService(
  definition: ServiceDefinition,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const log = createLogger(definition.name);
  let config: ServiceConfig;
  try {
    config = loadServiceConfig(env, definition.name, definition.defaultPort);
  } catch (err) {
    console.error(`${definition.name}: ${(err as Error).message}`);
    process.exit(2);
  }
  const metrics = createMetrics();
  const store = openStore(`${config.dataDir}/state.db`);
  // Bound late: the handlers are built before the service that runs them.
  const publisher = () => service.publisher;
  const untilKafkaTakesIt: ConsumerService['untilKafkaTakesIt'] = (topic, step, signal) =>
    service.untilKafkaTakesIt(topic, step, signal);
  const { handlers, evict, start, stop } = definition.setup({
    config,
    log,
    metrics,
    env,
    store,
    publisher,
    untilKafkaTakesIt,
  });
  if (evict) {
    const run = () => evict(Date.now() - config.stateRetentionMs);
    run();
    setInterval(run, EVICT_EVERY_MS).unref();
  }
  const faults: Faults = { delayMs: 0, failEventTypes: [] };
  const kafka = new kafkajs.Kafka({
    clientId: definition.name,
    brokers: config.kafkaBrokers,
    logLevel: kafkajs.logLevel.WARN,
    logCreator: kafkajsLogCreator(log),
    retry: config.kafkaRetry,
  });
  const service: ConsumerService = createConsumerService({
    kafka,
    groupId: config.groupId ?? definition.name,
    topics: definition.topics,
    handlers,
    log,
    metrics,
    store,
    dedupeWindowMs: config.dedupeWindowMs,
    source: `/webstore/${definition.name}`,
    delayMs: () => faults.delayMs,
    failing: (name) => faults.failEventTypes.includes(name),
    mode: definition.mode,
  });
  const server = await createManagementServer({
    port: config.port,
    host: config.host,
    service: definition.name,
    ready: service.ready,
    membership: service.membership,
    faults,
    adminToken: config.adminToken,
    consumer: service,
  });
  onShutdown(
    () => new Promise<void>((resolve) => server.close(() => resolve())),
    'management server',
  );
  if (stop) onShutdown(stop, `${definition.name} work in flight`);
  onShutdown(() => service.stop(), 'kafka consumer');
  onShutdown(() => store.close(), 'state');
  await service.start();
  start?.();
  log.info({ port: config.port, topics: definition.topics }, `${definition.name} started`);
}
