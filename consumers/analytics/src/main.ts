import { openJournal, runService } from '@webstore/consumer-runtime';
import { TOPICS } from '@webstore/schemas';
import { applyPurchase, type CustomerHistory, type PurchaseRecord } from './domain.js';
import { analyticsHandlers } from './handlers.js';

await runService({
  name: 'analytics',
  defaultPort: 8103,
  topics: [TOPICS.activity, TOPICS.orders, TOPICS.inventory, TOPICS.payments],
  setup({ config, metrics }) {
    const histories = new Map<string, CustomerHistory>();
    const journal = openJournal<PurchaseRecord>(`${config.dataDir}/purchases.jsonl`, (r) =>
      applyPurchase(histories, r),
    );
    return {
      handlers: analyticsHandlers(histories, journal, metrics),
      close: () => journal.close(),
    };
  },
});
