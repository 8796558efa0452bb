// The simulated payment processor: declines by country at the reference's rates, reproducibly.
// Each order's outcome depends only on its id and the seed (or its own paymentSeed), never on
// timing or on what else was processed, so a redelivery or a replay decides the same way.
import { countryByCode, DECLINE_REASONS, type DeclineReason } from '@webstore/schemas';

export type PaymentDecision =
  { outcome: 'authorized' } | { outcome: 'declined'; reason: DeclineReason };

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, to turn an order id into a seed. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Decides a payment. `paymentSeed` (from the order) pins the outcome for tests and scenarios. */
export function decidePayment(
  input: { orderId: string; country: string; paymentSeed?: number },
  serviceSeed: number,
): PaymentDecision {
  const random = mulberry32(input.paymentSeed ?? hash32(input.orderId) ^ serviceSeed);
  const rate = countryByCode(input.country)?.declineRate ?? 0.05;
  if (random() >= rate) return { outcome: 'authorized' };
  return {
    outcome: 'declined',
    reason: DECLINE_REASONS[Math.floor(random() * DECLINE_REASONS.length)]!,
  };
}

/** Journal record of a decided payment. */
export interface PaymentRecord {
  orderId: string;
  paymentId: string;
  decision: PaymentDecision;
}
