// Analytics' state: each customer's purchase history (seeded for the demo personas, so every
// segment shows up), and which order-level facts it has counted. Counting an order's purchase,
// placement or decline is recorded per order in the same transaction as the history it changes, so
// a redelivered or duplicate cause — whatever its event id — is never counted twice.
import type { StateStore } from '@webstore/consumer-runtime';
import { personas, seedHistory, withPurchase, type CustomerHistory } from '@webstore/schemas';

export type OrderFact = 'order_placed' | 'payment_declined' | 'purchase';

export function analyticsState(store: StateStore, now: () => number = Date.now) {
  const customers = store.table<CustomerHistory>('customers');
  const counted = store.table<{ at: number }>('counted');
  const seeds = new Map(personas.map((p) => [p.customerId, p]));

  const historyOf = (customerId: string): CustomerHistory | undefined => {
    const stored = customers.get(customerId);
    if (stored) return stored;
    const persona = seeds.get(customerId);
    return persona ? seedHistory(persona, now()) : undefined;
  };

  return {
    historyOf,
    /**
     * Records that `fact` of `orderId` is counted (and a purchase in the customer's history); false
     * when it was counted before. The history returned is the one before this purchase.
     */
    count(
      orderId: string,
      fact: OrderFact,
      purchase?: { customerId: string; amountCents: number; at: number },
    ): boolean {
      return store.transaction(() => {
        const key = `${orderId}/${fact}`;
        if (counted.get(key)) return false;
        counted.put(key, { at: now() }, { settled: true });
        if (purchase)
          customers.put(
            purchase.customerId,
            withPurchase(historyOf(purchase.customerId), purchase),
          );
        return true;
      });
    },
    evict: (cutoffMs: number) => counted.evictSettledBefore(cutoffMs),
  };
}

export type AnalyticsState = ReturnType<typeof analyticsState>;
