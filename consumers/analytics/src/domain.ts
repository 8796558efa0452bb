// Customer segments, derived from each customer's order history (the reference's definitions):
// vip = more than $500 spent or more than 5 orders; at_risk = 30–90 days since the last order;
// churned = more than 90 days; returning = has ordered before; new = never ordered.

export type Segment = 'new' | 'returning' | 'vip' | 'at_risk' | 'churned';

export interface CustomerHistory {
  orders: number;
  spentCents: number;
  lastOrderAt: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function segmentOf(history: CustomerHistory | undefined, nowMs: number): Segment {
  if (!history || history.orders === 0) return 'new';
  if (history.spentCents > 50_000 || history.orders > 5) return 'vip';
  const idle = nowMs - history.lastOrderAt;
  if (idle > 90 * DAY_MS) return 'churned';
  if (idle > 30 * DAY_MS) return 'at_risk';
  return 'returning';
}

/** Journal record: one completed purchase. */
export interface PurchaseRecord {
  customerId: string;
  amountCents: number;
  at: number;
}

export function applyPurchase(
  histories: Map<string, CustomerHistory>,
  record: PurchaseRecord,
): void {
  const history = histories.get(record.customerId) ?? { orders: 0, spentCents: 0, lastOrderAt: 0 };
  history.orders += 1;
  history.spentCents += record.amountCents;
  history.lastOrderAt = Math.max(history.lastOrderAt, record.at);
  histories.set(record.customerId, history);
}
