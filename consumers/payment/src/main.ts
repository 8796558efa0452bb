import { integerFrom, runService } from '@webstore/consumer-runtime';
import { TOPICS } from '@webstore/schemas';
import { createPayment } from './handlers.js';

await runService({
  name: 'payment',
  defaultPort: 8102,
  // Stock reservations to charge, and the orders topic for orders that timed out.
  topics: [TOPICS.inventory, TOPICS.orders],
  setup({ metrics, env, store, log, publisher, untilKafkaTakesIt }) {
    const payment = createPayment(store, metrics, {
      seed: integerFrom(env, 'PAYMENT_SEED', 42),
      latencyMs: integerFrom(env, 'PAYMENT_LATENCY_MS', 30, 0, 10_000),
      publisher,
      untilKafkaTakesIt,
      log,
    });
    const payments = store.table('payments');
    return {
      handlers: payment.handlers,
      evict: (cutoff) => payments.evictSettledBefore(cutoff),
      start: () => payment.resume(),
      stop: () => payment.stop(),
    };
  },
});
