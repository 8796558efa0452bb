// The gateway's Kafka clients. Checkouts get a client whose whole retry budget fits inside the
// publish deadline: when kafkajs gives up, the caller is told, and no send it was told failed is
// still being retried behind its back (the one exception is a request the broker received but
// whose answer was lost, which no client can tell apart; see docs/architecture.md). The
// projection keeps kafkajs's patient defaults, capped so it resumes soon after Kafka is back.
import kafkajs from 'kafkajs';
import type { Logger } from '@webstore/observability/logger';
import { createPublisher, kafkajsLogCreator, type Publisher } from '@webstore/producer-client';
import type { GatewayConfig } from './config.js';
import { createKafkaHealth, type KafkaHealth } from './kafka-health.js';

export interface GatewayKafka {
  /** For the projection's consumer. */
  kafka: kafkajs.Kafka;
  producer: kafkajs.Producer;
  publisher: Publisher;
  health: KafkaHealth;
}

export function createGatewayKafka(config: GatewayConfig, log: Logger): GatewayKafka {
  // Two attempts of at most requestTimeout each, plus a short backoff, stay under the deadline.
  const requestTimeout = Math.max(300, Math.floor(config.publishTimeoutMs * 0.35));
  const publishing = new kafkajs.Kafka({
    clientId: 'gateway',
    brokers: config.kafkaBrokers,
    logLevel: kafkajs.logLevel.WARN,
    logCreator: kafkajsLogCreator(log),
    connectionTimeout: Math.min(1_000, requestTimeout),
    requestTimeout,
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 300 },
  });
  const kafka = new kafkajs.Kafka({
    clientId: 'gateway-projection',
    brokers: config.kafkaBrokers,
    logLevel: kafkajs.logLevel.WARN,
    logCreator: kafkajsLogCreator(log),
    retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5_000 },
  });
  const producer = publishing.producer({ allowAutoTopicCreation: true });
  const health = createKafkaHealth({
    admin: publishing.admin({ retry: { retries: 0 } }),
    log,
    probeTimeoutMs: requestTimeout,
  });
  const publisher = createPublisher({
    producer,
    source: '/webstore/gateway',
    timeoutMs: config.publishTimeoutMs,
    availability: health,
    onLateAcknowledgement: (topic, key) =>
      log.error({ topic, key }, 'a send answered 503 was acknowledged after its deadline'),
  });
  return { kafka, producer, publisher, health };
}
