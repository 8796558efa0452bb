import { ConfigError, runService } from '@webstore/consumer-runtime';
import { TOPICS } from '@webstore/schemas';
import { analyticsState } from './domain.js';
import { analyticsHandlers } from './handlers.js';

await runService({
  name: 'analytics',
  defaultPort: 8103,
  topics: [TOPICS.activity, TOPICS.orders, TOPICS.inventory, TOPICS.payments],
  // A natural batch consumer: it only counts. Its spans then link to the producers' spans instead
  // of joining their traces (the saga's consumers stay on eachMessage, one trace per order).
  mode: 'batch',
  setup({ metrics, store, env }) {
    const state = analyticsState(store);
    const raw = env.ANALYTICS_INCLUDE_REPLAYS ?? 'false';
    if (raw !== 'true' && raw !== 'false')
      throw new ConfigError(`ANALYTICS_INCLUDE_REPLAYS must be true or false, got "${raw}"`);
    const includeReplays = raw === 'true';
    return {
      handlers: analyticsHandlers(state, metrics, { includeReplays }),
      evict: (cutoff) => state.evict(cutoff),
    };
  },
});
