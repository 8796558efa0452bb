// Scenarios: who shops, from where, how many, and what they ask of the system.
import type { CountryCode } from '@webstore/schemas';

export type ShopperKind = 'browser' | 'abandoner' | 'buyer';

export interface Scenario {
  name: string;
  description: string;
  /** Relative weights of shopper countries. */
  countries: Record<CountryCode, number>;
  /** The reference's mix: browsers leave after looking, abandoners after filling a cart. */
  mix: Record<ShopperKind, number>;
  /** Arrival-rate multiplier over the run, for progress 0..1. */
  load(progress: number): number;
  /** Share of orders from each country that ask the simulated processor for a decline. */
  forcedDeclines?: Partial<Record<CountryCode, number>>;
  /** Asks the system to slow a consumer for the run (admin fault switch), reset at the end. */
  slowConsumer?: { service: 'inventory' | 'payment' | 'analytics'; delayMs: number };
}

const WORLD: Record<CountryCode, number> = {
  US: 30,
  UK: 15,
  DE: 15,
  FR: 10,
  JP: 10,
  BR: 10,
  IN: 10,
};
const REFERENCE_MIX: Record<ShopperKind, number> = { browser: 50, abandoner: 30, buyer: 20 };

export const scenarios: Record<string, Scenario> = {
  steady: {
    name: 'steady',
    description:
      'Shoppers from every country at a constant rate, in the reference 50/30/20 browser/abandoner/buyer mix.',
    countries: WORLD,
    mix: REFERENCE_MIX,
    load: () => 1,
  },
  'brazil-outage': {
    name: 'brazil-outage',
    description:
      'Brazilian traffic surges and half of its payments are declined: follow a failed payment from metric to trace to log.',
    countries: { ...WORLD, BR: 120 },
    mix: { browser: 30, abandoner: 30, buyer: 40 },
    load: () => 1.5,
    forcedDeclines: { BR: 0.5 },
  },
  'black-friday': {
    name: 'black-friday',
    description: 'Traffic ramps from normal to four times normal over the run, with more buyers.',
    countries: WORLD,
    mix: { browser: 35, abandoner: 30, buyer: 35 },
    load: (progress) => 1 + 3 * Math.min(1, Math.max(0, progress)),
  },
  'slow-consumer': {
    name: 'slow-consumer',
    description:
      'Steady traffic while payment is slowed by 300 ms per message (admin fault switch): consumer lag and queue time build.',
    countries: WORLD,
    mix: REFERENCE_MIX,
    load: () => 1,
    slowConsumer: { service: 'payment', delayMs: 300 },
  },
};

/** A scenario restricted to one country (`--country BR`). */
export function onlyCountry(scenario: Scenario, country: CountryCode): Scenario {
  const countries = Object.fromEntries(
    Object.keys(scenario.countries).map((c) => [c, c === country ? 1 : 0]),
  ) as Record<CountryCode, number>;
  return { ...scenario, countries };
}
