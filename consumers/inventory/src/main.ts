import { integerFrom, runService } from '@webstore/consumer-runtime';
import { products, TOPICS } from '@webstore/schemas';
import { inventoryHandlers } from './handlers.js';
import { inventoryState } from './state.js';

await runService({
  name: 'inventory',
  defaultPort: 8101,
  topics: [TOPICS.orders, TOPICS.payments],
  setup({ metrics, env, store }) {
    const state = inventoryState(store, {
      threshold: integerFrom(env, 'RESTOCK_THRESHOLD', 10, 0, 1_000_000),
      quantity: integerFrom(env, 'RESTOCK_QUANTITY', 100, 0, 1_000_000),
    });
    for (const p of products)
      metrics.stockAvailable.record(state.levelOf(p.id).available, { product: p.id });
    return { handlers: inventoryHandlers(state, metrics), evict: (cutoff) => state.evict(cutoff) };
  },
});
