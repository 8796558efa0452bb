import { openJournal, runService } from '@webstore/consumer-runtime';
import { personas, seedHistory, TOPICS, type CustomerHistory } from '@webstore/schemas';
import { applyPurchase, type PurchaseRecord } from './domain.js';
import { analyticsHandlers } from './handlers.js';

await runService({
  name: 'analytics',
  defaultPort: 8103,
  topics: [TOPICS.activity, TOPICS.orders, TOPICS.inventory, TOPICS.payments],
  // A natural batch consumer: it only counts. Its spans then link to the producers' spans instead
  // of joining their traces (the saga's consumers stay on eachMessage, one trace per order).
  mode: 'batch',
  setup({ config, metrics }) {
    const histories = new Map<string, CustomerHistory>();
    // The demo personas arrive with some history, so every segment (at_risk included) shows up.
    for (const p of personas) {
      const seed = seedHistory(p, Date.now());
      if (seed) histories.set(p.customerId, seed);
    }
    const journal = openJournal<PurchaseRecord>(`${config.dataDir}/purchases.jsonl`, (r) =>
      applyPurchase(histories, r),
    );
    return {
      handlers: analyticsHandlers(histories, journal, metrics),
      close: () => journal.close(),
    };
  },
});
