// Customer segments, derived from a customer's order history (the reference's definitions):
// vip = more than $500 spent or more than 5 orders; at_risk = 30–90 days since the last order;
// churned = more than 90 days; returning = has ordered before; new = never ordered.
// Analytics counts actions by segment and the gateway tags checkouts with it for tail sampling,
// so both derive it here, from the same history shape.
import type { Persona } from './seed/personas.js';

export const SEGMENTS = ['new', 'returning', 'vip', 'at_risk', 'churned'] as const;
export type Segment = (typeof SEGMENTS)[number];

export interface CustomerHistory {
  orders: number;
  spentCents: number;
  lastOrderAt: number;
}

/** One completed purchase, as it adds to a history. */
export interface Purchase {
  amountCents: number;
  at: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The segment a history puts a customer in at `nowMs`. */
export function segmentOf(history: CustomerHistory | undefined, nowMs: number): Segment {
  if (!history || history.orders === 0) return 'new';
  if (history.spentCents > 50_000 || history.orders > 5) return 'vip';
  const idle = nowMs - history.lastOrderAt;
  if (idle > 90 * DAY_MS) return 'churned';
  if (idle > 30 * DAY_MS) return 'at_risk';
  return 'returning';
}

/** The history a demo persona arrives with, so every segment is visible from the first minute. */
export function seedHistory(persona: Persona, nowMs: number): CustomerHistory | undefined {
  if (!persona.history) return undefined;
  return {
    orders: persona.history.orders,
    spentCents: persona.history.spentCents,
    lastOrderAt: nowMs - persona.history.lastOrderDaysAgo * DAY_MS,
  };
}

/** A history with one more purchase; `history` is left as it was. */
export function withPurchase(
  history: CustomerHistory | undefined,
  purchase: Purchase,
): CustomerHistory {
  const base = history ?? { orders: 0, spentCents: 0, lastOrderAt: 0 };
  return {
    orders: base.orders + 1,
    spentCents: base.spentCents + purchase.amountCents,
    lastOrderAt: Math.max(base.lastOrderAt, purchase.at),
  };
}
