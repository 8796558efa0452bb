import { describe, expect, it } from 'vitest';
import { countries } from '@webstore/schemas';
import { decidePayment } from './domain.js';

describe('payment decisions', () => {
  it.each(countries.map((c) => [c.code, c.declineRate] as const))(
    '%s: declines at its rate (%s)',
    (country, rate) => {
      const n = 20_000;
      let declined = 0;
      for (let i = 0; i < n; i++)
        if (decidePayment({ orderId: `ord-${country}-${i}`, country }, 42).outcome === 'declined')
          declined++;
      // Binomial standard deviation is at most 0.25 %-points here; allow four of them.
      expect(Math.abs(declined / n - rate)).toBeLessThan(0.01);
    },
  );

  it('decides the same way for the same order and seed, and differently across seeds', () => {
    const orders = Array.from({ length: 200 }, (_, i) => ({ orderId: `o${i}`, country: 'BR' }));
    const run = (seed: number) => orders.map((o) => JSON.stringify(decidePayment(o, seed)));
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });

  it('lets an order pin its outcome with paymentSeed', () => {
    const pinned = (paymentSeed: number) =>
      decidePayment({ orderId: 'x', country: 'BR', paymentSeed }, 0);
    const declining = Array.from({ length: 200 }, (_, s) => s).find(
      (s) => pinned(s).outcome === 'declined',
    )!;
    expect(pinned(declining)).toEqual(
      decidePayment({ orderId: 'other', country: 'BR', paymentSeed: declining }, 99),
    );
  });

  it('uses every decline reason', () => {
    const reasons = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const d = decidePayment({ orderId: `r${i}`, country: 'BR' }, 5);
      if (d.outcome === 'declined') reasons.add(d.reason);
    }
    expect([...reasons].sort()).toEqual([
      'card_declined',
      'expired_card',
      'fraud_suspected',
      'insufficient_funds',
    ]);
  });
});
