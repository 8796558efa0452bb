import { openJournal, runService } from '@webstore/consumer-runtime';
import { TOPICS } from '@webstore/schemas';
import { applyInventory, initialInventory, type InventoryRecord } from './domain.js';
import { inventoryHandlers } from './handlers.js';

await runService({
  name: 'inventory',
  defaultPort: 8101,
  topics: [TOPICS.orders, TOPICS.payments],
  setup({ config, metrics }) {
    const state = initialInventory();
    const journal = openJournal<InventoryRecord>(`${config.dataDir}/inventory.jsonl`, (r) =>
      applyInventory(state, r),
    );
    for (const [product, level] of state.stock)
      metrics.stockAvailable.record(level.available, { product });
    return { handlers: inventoryHandlers(state, journal, metrics), close: () => journal.close() };
  },
});
