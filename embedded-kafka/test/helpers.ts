import kafkajs, {
  type Consumer,
  type ConsumerConfig,
  type EachMessagePayload,
  type Kafka as KafkaClient,
} from 'kafkajs';
import { createBroker, type Broker, type BrokerOptions } from '../src/index.js';

const { Kafka, logLevel } = kafkajs;

export { waitFor } from '@webstore/testkit';

/** A broker on a free port plus a kafkajs client pointed at it. */
export async function startBroker(
  options: BrokerOptions = {},
): Promise<{ broker: Broker; kafka: KafkaClient }> {
  const broker = await createBroker({ port: 0, ...options });
  const kafka = new Kafka({
    clientId: 'test',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 50 },
  });
  return { broker, kafka };
}

/** Fast group timings so membership tests take seconds, not the 30 s defaults. */
export const fastGroup: Partial<ConsumerConfig> = {
  sessionTimeout: 3000,
  rebalanceTimeout: 2000,
  heartbeatInterval: 200,
  maxWaitTimeInMs: 500,
};

/** Runs a consumer that records every message it sees. */
export async function collectingConsumer(
  kafka: KafkaClient,
  groupId: string,
  topic: string,
  config: Partial<ConsumerConfig> = {},
): Promise<{ consumer: Consumer; messages: EachMessagePayload[]; assigned: () => number[] }> {
  const consumer = kafka.consumer({ groupId, ...fastGroup, ...config });
  const messages: EachMessagePayload[] = [];
  let assignment: number[] = [];
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    assignment = (e.payload.memberAssignment[topic] ?? []).slice().sort();
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async (payload) => {
      messages.push(payload);
    },
  });
  return { consumer, messages, assigned: () => assignment };
}
