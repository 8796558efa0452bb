import { describe, expect, it } from 'vitest';
import { decidePayment } from '@webstore/payment';
import { parseOptions, UsageError } from './options.js';
import { onlyCountry, scenarios } from './scenarios.js';
import { decliningSeeds, planShopper } from './shopper.js';
import { Stats } from './stats.js';

const plans = (seed: number, n: number, scenario = scenarios.steady!) =>
  Array.from({ length: n }, (_, i) => planShopper(seed, i, scenario));
const share = <T>(items: T[], test: (t: T) => boolean) => items.filter(test).length / items.length;

describe('seeded determinism', () => {
  it('gives the same shopper decisions for the same seed, and different ones for another seed', () => {
    expect(plans(42, 200)).toEqual(plans(42, 200));
    expect(JSON.stringify(plans(42, 200))).not.toBe(JSON.stringify(plans(43, 200)));
  });

  it('decides each shopper independently of the others (so concurrency cannot change a decision)', () => {
    const all = plans(7, 50);
    expect(planShopper(7, 31, scenarios.steady!)).toEqual(all[31]);
  });
});

describe('scenarios', () => {
  it('steady keeps the reference 50/30/20 browser/abandoner/buyer mix', () => {
    const many = plans(1, 6000);
    expect(share(many, (p) => p.kind === 'browser')).toBeCloseTo(0.5, 1);
    expect(share(many, (p) => p.kind === 'abandoner')).toBeCloseTo(0.3, 1);
    expect(share(many, (p) => p.kind === 'buyer')).toBeCloseTo(0.2, 1);
    expect(many.every((p) => p.steps[0]!.type === 'browse_catalog')).toBe(true);
    expect(
      many.filter((p) => p.kind !== 'buyer').every((p) => !p.steps.some((s) => s.type === 'order')),
    ).toBe(true);
    expect(
      many.filter((p) => p.kind === 'buyer').every((p) => p.steps.at(-1)!.type === 'order'),
    ).toBe(true);
  });

  it('brazil-outage makes Brazil the biggest market and forces about half its payments to decline', () => {
    const outage = plans(2, 6000, scenarios['brazil-outage']);
    expect(share(outage, (p) => p.country === 'BR')).toBeGreaterThan(0.4);
    const brOrders = outage.flatMap((p) => p.steps).filter((s) => s.type === 'order');
    const brazilian = outage.filter((p) => p.country === 'BR' && p.kind === 'buyer');
    const forced = brazilian.filter((p) =>
      p.steps.some((s) => s.type === 'order' && s.paymentSeed !== undefined),
    );
    expect(brOrders.length).toBeGreaterThan(0);
    expect(forced.length / brazilian.length).toBeCloseTo(0.5, 1);
    for (const seed of decliningSeeds('BR').slice(0, 10))
      expect(decidePayment({ orderId: 'any', country: 'BR', paymentSeed: seed }, 0).outcome).toBe(
        'declined',
      );
  });

  it('black-friday ramps load from 1× to 4×; slow-consumer asks for a payment delay', () => {
    const ramp = scenarios['black-friday']!;
    expect([0, 0.5, 1].map((p) => ramp.load(p))).toEqual([1, 2.5, 4]);
    expect(scenarios['slow-consumer']!.slowConsumer).toEqual({ service: 'payment', delayMs: 300 });
  });

  it('--country restricts shoppers to one country', () => {
    expect(
      plans(3, 300, onlyCountry(scenarios.steady!, 'JP')).every((p) => p.country === 'JP'),
    ).toBe(true);
  });
});

describe('command line', () => {
  it('has defaults', () => {
    expect(parseOptions([])).toMatchObject({
      users: 5,
      durationSeconds: 60,
      seed: 42,
      url: 'http://localhost:8000',
      json: false,
      scenario: { name: 'steady' },
    });
  });

  it.each([
    [['--users', 'many'], /--users/],
    [['--duration', '0'], /--duration/],
    [['--scenario', 'cyber-monday'], /--scenario must be one of/],
    [['--country', 'XX'], /--country/],
    [['--url', 'localhost'], /--url/],
    [['--frobnicate'], /frobnicate/],
  ])('rejects %j naming the flag', (argv, message) => {
    expect(() => parseOptions(argv as string[])).toThrow(UsageError);
    expect(() => parseOptions(argv as string[])).toThrow(message);
  });
});

describe('summary', () => {
  it('computes funnel, conversion, abandonment, declines and percentiles', () => {
    const stats = new Stats();
    stats.shoppers.total = 4;
    for (const stage of [
      'browse_catalog',
      'view_product',
      'add_to_cart',
      'add_to_cart',
      'checkout_complete',
    ] as const)
      stats.count(stage, 'BR');
    stats.orders.set('a', { country: 'BR', status: 'completed', token: 't' });
    stats.orders.set('b', { country: 'BR', status: 'failed', reason: 'card_declined', token: 't' });
    stats.orders.set('c', { country: 'US', status: 'failed', reason: 'out_of_stock', token: 't' });
    stats.latencies.push(10, 20, 30, 40);
    stats.requests = 4;
    const s = stats.summary({ scenario: 'steady', seed: 1, users: 1, durationSeconds: 2 });
    expect(s.funnel).toMatchObject({ add_to_cart: 2, checkout_complete: 1 });
    expect(s.conversion).toBe(0.25);
    expect(s.cartAbandonment).toBe(0.5);
    expect(s.declinesByCountry).toEqual({ BR: 1 });
    expect(s.orders.failedByReason).toEqual({ card_declined: 1, out_of_stock: 1 });
    expect(s.requests).toMatchObject({ perSecond: 2, latencyMs: { p50: 30, p95: 40, p99: 40 } });
  });
});
