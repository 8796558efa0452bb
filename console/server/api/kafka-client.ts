// The console's Kafka connection for the Kafka browser and replays: made on first use (the stack
// starts the console before the broker), shared afterwards, dropped and made again after a failure.
import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { Problem } from './problem.js';

export interface KafkaAccess {
  /** A connected admin client (and its Kafka), or a 503 problem when the broker cannot be reached. */
  get(): Promise<{ kafka: Kafka; admin: Admin }>;
  close(): Promise<void>;
}

export function createKafkaAccess(brokers: string[]): KafkaAccess {
  let connecting: Promise<{ kafka: Kafka; admin: Admin }> | undefined;
  return {
    get() {
      connecting ??= (async () => {
        const kafka = new kafkajs.Kafka({
          clientId: 'webstore-console',
          brokers,
          logLevel: kafkajs.logLevel.NOTHING,
          retry: { retries: 2 },
        });
        const admin = kafka.admin();
        await admin.connect();
        return { kafka, admin };
      })().catch((err: Error) => {
        connecting = undefined;
        throw new Problem(
          'unavailable',
          `Kafka at ${brokers.join(',')} is unreachable: ${err.message}`,
        );
      });
      return connecting;
    },
    async close() {
      const current = connecting;
      connecting = undefined;
      await current?.then(({ admin }) => admin.disconnect()).catch(() => undefined);
    },
  };
}
