// A shopper's whole visit, decided up front from its own random stream: who, from where, what they
// look at, what they put in the cart, whether they check out. Pure: same seed and number, same plan.
import { decidePayment } from '@webstore/payment';
import { CATEGORIES, personas, products, type CountryCode } from '@webstore/schemas';
import { pick, shopperStream, weighted } from './random.js';
import type { Scenario, ShopperKind } from './scenarios.js';

export type Step =
  | { type: 'browse_catalog'; category: string }
  | { type: 'view_product'; productId: string }
  | { type: 'add_to_cart'; productId: string; quantity: number }
  | { type: 'checkout_started'; itemCount: number; cartValueCents: number }
  | { type: 'order'; items: { productId: string; quantity: number }[]; paymentSeed?: number };

export interface ShopperPlan {
  index: number;
  kind: ShopperKind;
  country: CountryCode;
  token: string;
  sessionId: string;
  steps: Step[];
}

const declineSeeds = new Map<CountryCode, number[]>();
/** Payment seeds the simulated processor declines for a country (the outage scenario uses them). */
export function decliningSeeds(country: CountryCode): number[] {
  let seeds = declineSeeds.get(country);
  if (!seeds) {
    seeds = [];
    for (let s = 0; seeds.length < 50; s++)
      if (decidePayment({ orderId: 'x', country, paymentSeed: s }, 0).outcome === 'declined')
        seeds.push(s);
    declineSeeds.set(country, seeds);
  }
  return seeds;
}

// Shoppers are the demo customers; the admin persona's token belongs to the operator.
const CUSTOMERS = personas.filter((p) => p.role === 'customer');

export function planShopper(seed: number, index: number, scenario: Scenario): ShopperPlan {
  const random = shopperStream(seed, index);
  const kind = weighted(random, scenario.mix);
  const country = weighted(random, scenario.countries);
  const token = pick(random, CUSTOMERS).token;
  const steps: Step[] = [{ type: 'browse_catalog', category: pick(random, CATEGORIES) }];
  const viewed = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(random, products));
  for (const p of viewed) steps.push({ type: 'view_product', productId: p.id });
  if (kind !== 'browser') {
    const cart = new Map<string, number>();
    const adds = 1 + Math.floor(random() * 2);
    for (let i = 0; i < adds; i++) {
      const product = pick(random, viewed);
      const quantity = 1 + Math.floor(random() * 2);
      cart.set(product.id, (cart.get(product.id) ?? 0) + quantity);
      steps.push({ type: 'add_to_cart', productId: product.id, quantity });
    }
    const items = [...cart].map(([productId, quantity]) => ({ productId, quantity }));
    const value = items.reduce(
      (n, i) => n + i.quantity * products.find((p) => p.id === i.productId)!.priceCents,
      0,
    );
    // A third of abandoners get as far as checkout before leaving.
    const startsCheckout = kind === 'buyer' || random() < 1 / 3;
    if (startsCheckout)
      steps.push({
        type: 'checkout_started',
        itemCount: items.reduce((n, i) => n + i.quantity, 0),
        cartValueCents: value,
      });
    if (kind === 'buyer') {
      const forced = scenario.forcedDeclines?.[country] ?? 0;
      const paymentSeed = random() < forced ? pick(random, decliningSeeds(country)) : undefined;
      steps.push({ type: 'order', items, ...(paymentSeed === undefined ? {} : { paymentSeed }) });
    }
  }
  return { index, kind, country, token, sessionId: `synthetic-${seed}-${index}`, steps };
}
