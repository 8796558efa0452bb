// Analytics counts the funnel (browse → view → add to cart → checkout started → complete) by
// country, customer actions by segment, and revenue. It reads every topic. Activity events are
// counted once per event id (the runtime's dedupe); order facts once per order (analytics' state).
import type { Handlers } from '@webstore/consumer-runtime';
import type { WebstoreMetrics } from '@webstore/observability/metrics';
import { segmentOf } from '@webstore/schemas';
import type { AnalyticsState, OrderFact } from './domain.js';

type Stage =
  'browse_catalog' | 'view_product' | 'add_to_cart' | 'checkout_started' | 'checkout_complete';

export interface AnalyticsOptions {
  /** Count replayed events in the funnel too, labelled replay="true" (ANALYTICS_INCLUDE_REPLAYS). */
  includeReplays?: boolean;
}

export function analyticsHandlers(
  state: AnalyticsState,
  metrics: WebstoreMetrics,
  options: AnalyticsOptions = {},
): Handlers {
  // A replayed event is history seen again: the live funnel leaves it out unless asked.
  let replay = false;
  const funnel = (stage: Stage, country: string, synthetic: boolean) => {
    if (replay && !options.includeReplays) return;
    metrics.funnelStage.add(1, {
      stage,
      country,
      synthetic: String(synthetic),
      ...(replay ? { replay: 'true' } : {}),
    });
  };
  const segment = (customerId: string) => segmentOf(state.historyOf(customerId), Date.now());
  const action = (customerId: string | undefined, name: string) => {
    if (customerId) metrics.customerSegment.add(1, { segment: segment(customerId), action: name });
  };
  const orderAction = (orderId: string, customerId: string, fact: OrderFact) => {
    if (state.count(orderId, fact)) action(customerId, fact);
  };
  const handlers: Handlers = {
    CatalogBrowsed: ({ event: { data } }) => funnel('browse_catalog', data.country, data.synthetic),
    ProductViewed: ({ event: { data } }) => {
      funnel('view_product', data.country, data.synthetic);
      action(data.customerId, 'view_product');
    },
    CartItemAdded: ({ event: { data } }) => {
      funnel('add_to_cart', data.country, data.synthetic);
      action(data.customerId, 'add_to_cart');
    },
    CheckoutStarted: ({ event: { data } }) => {
      funnel('checkout_started', data.country, data.synthetic);
      action(data.customerId, 'checkout_started');
    },
    OrderPlaced: ({ event: { data } }) =>
      orderAction(data.orderId, data.customerId, 'order_placed'),
    PaymentDeclined: ({ event: { data } }) =>
      orderAction(data.orderId, data.customerId, 'payment_declined'),
    PaymentAuthorized: ({ event, message }) => {
      const data = event.data;
      // The segment the customer was in when buying, before this purchase counts.
      const before = segment(data.customerId);
      const purchase = {
        customerId: data.customerId,
        amountCents: data.amountCents,
        at: Date.parse(data.authorizedAt),
      };
      if (!state.count(data.orderId, 'purchase', purchase)) return;
      const synthetic = message.headers?.webstore_synthetic?.toString() === 'true';
      funnel('checkout_complete', data.country, synthetic);
      metrics.customerSegment.add(1, { segment: before, action: 'purchase' });
      metrics.revenue.add(data.amountCents, { country: data.country, segment: before });
    },
  };
  // Each handler runs with `replay` set from its message (handlers never run concurrently here:
  // the flag is read synchronously before the first await).
  return Object.fromEntries(
    Object.entries(handlers).map(([name, handler]) => [
      name,
      (ctx: Parameters<NonNullable<Handlers['OrderPlaced']>>[0]) => {
        replay = ctx.replayId !== undefined;
        try {
          return (handler as (c: typeof ctx) => void | Promise<void>)(ctx);
        } finally {
          replay = false;
        }
      },
    ]),
  ) as Handlers;
}
