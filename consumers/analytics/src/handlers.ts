// Analytics counts the funnel (browse → view → add to cart → checkout started → complete) by
// country, customer actions by segment, and revenue. It reads every topic.
import type { Handlers, Journal } from '@webstore/consumer-runtime';
import type { WebstoreMetrics } from '@webstore/observability/metrics';
import { segmentOf, type CustomerHistory } from '@webstore/schemas';
import { applyPurchase, type PurchaseRecord } from './domain.js';

type Stage =
  'browse_catalog' | 'view_product' | 'add_to_cart' | 'checkout_started' | 'checkout_complete';

export function analyticsHandlers(
  histories: Map<string, CustomerHistory>,
  journal: Journal<PurchaseRecord>,
  metrics: WebstoreMetrics,
): Handlers {
  const funnel = (stage: Stage, country: string, synthetic: boolean) =>
    metrics.funnelStage.add(1, { stage, country, synthetic: String(synthetic) });
  const action = (customerId: string | undefined, name: string) => {
    if (customerId)
      metrics.customerSegment.add(1, {
        segment: segmentOf(histories.get(customerId), Date.now()),
        action: name,
      });
  };
  return {
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
    OrderPlaced: ({ event: { data } }) => action(data.customerId, 'order_placed'),
    PaymentDeclined: ({ event: { data } }) => action(data.customerId, 'payment_declined'),
    PaymentAuthorized: ({ event, message }) => {
      const data = event.data;
      const synthetic = message.headers?.webstore_synthetic?.toString() === 'true';
      funnel('checkout_complete', data.country, synthetic);
      const segment = segmentOf(histories.get(data.customerId), Date.now());
      metrics.customerSegment.add(1, { segment, action: 'purchase' });
      metrics.revenue.add(data.amountCents, { country: data.country, segment });
      const record = {
        customerId: data.customerId,
        amountCents: data.amountCents,
        at: Date.parse(data.authorizedAt),
      };
      journal.append(record);
      applyPurchase(histories, record);
    },
  };
}
