import { integerFrom, openJournal, runService } from '@webstore/consumer-runtime';
import { TOPICS } from '@webstore/schemas';
import type { PaymentRecord } from './domain.js';
import { paymentHandlers } from './handlers.js';

await runService({
  name: 'payment',
  defaultPort: 8102,
  topics: [TOPICS.inventory],
  setup({ config, metrics, env }) {
    const options = {
      seed: integerFrom(env, 'PAYMENT_SEED', 42),
      latencyMs: integerFrom(env, 'PAYMENT_LATENCY_MS', 30, 0, 10_000),
    };
    const payments = new Map<string, PaymentRecord>();
    const journal = openJournal<PaymentRecord>(`${config.dataDir}/payments.jsonl`, (r) =>
      payments.set(r.orderId, r),
    );
    return {
      handlers: paymentHandlers(payments, journal, metrics, options),
      close: () => journal.close(),
    };
  },
});
