// What a run did, as the generator saw it.
import type { CountryCode } from '@webstore/schemas';
import type { ShopperKind } from './scenarios.js';

export const STAGES = [
  'browse_catalog',
  'view_product',
  'add_to_cart',
  'checkout_started',
  'checkout_complete',
] as const;
export type Stage = (typeof STAGES)[number];

export interface Summary {
  scenario: string;
  seed: number;
  users: number;
  durationSeconds: number;
  shoppers: Record<ShopperKind | 'total', number>;
  funnel: Record<Stage, number>;
  funnelByCountry: Record<string, Record<Stage, number>>;
  conversion: number;
  cartAbandonment: number;
  orders: {
    placed: number;
    completed: number;
    failed: number;
    pending: number;
    failedByReason: Record<string, number>;
  };
  declinesByCountry: Record<string, number>;
  requests: {
    total: number;
    perSecond: number;
    errors: Record<string, number>;
    latencyMs: { p50: number; p95: number; p99: number };
  };
}

export class Stats {
  readonly shoppers = { total: 0, browser: 0, abandoner: 0, buyer: 0 };
  readonly funnel = new Map<string, number>();
  readonly errors = new Map<string, number>();
  readonly latencies: number[] = [];
  readonly orders = new Map<
    string,
    { country: CountryCode; status: string; reason?: string; token: string }
  >();
  requests = 0;

  count(stage: Stage, country: string): void {
    this.funnel.set(`${stage}|${country}`, (this.funnel.get(`${stage}|${country}`) ?? 0) + 1);
  }

  error(kind: string): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
  }

  get failures(): number {
    return [...this.errors.values()].reduce((a, b) => a + b, 0);
  }

  summary(meta: {
    scenario: string;
    seed: number;
    users: number;
    durationSeconds: number;
  }): Summary {
    const stageTotal = (stage: Stage) =>
      [...this.funnel].filter(([k]) => k.startsWith(`${stage}|`)).reduce((n, [, v]) => n + v, 0);
    const funnelByCountry: Record<string, Record<Stage, number>> = {};
    for (const [key, n] of this.funnel) {
      const [stage, country] = key.split('|') as [Stage, string];
      funnelByCountry[country] ??= Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<
        Stage,
        number
      >;
      funnelByCountry[country]![stage] += n;
    }
    const funnel = Object.fromEntries(STAGES.map((s) => [s, stageTotal(s)])) as Record<
      Stage,
      number
    >;
    const orders = [...this.orders.values()];
    const failedByReason: Record<string, number> = {};
    const declinesByCountry: Record<string, number> = {};
    for (const o of orders.filter((o) => o.status === 'failed')) {
      failedByReason[o.reason ?? 'unknown'] = (failedByReason[o.reason ?? 'unknown'] ?? 0) + 1;
      if (o.reason !== 'out_of_stock')
        declinesByCountry[o.country] = (declinesByCountry[o.country] ?? 0) + 1;
    }
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const p = (q: number) =>
      sorted.length
        ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!)
        : 0;
    return {
      ...meta,
      shoppers: { ...this.shoppers },
      funnel,
      funnelByCountry,
      conversion: this.shoppers.total ? funnel.checkout_complete / this.shoppers.total : 0,
      cartAbandonment: funnel.add_to_cart ? 1 - funnel.checkout_complete / funnel.add_to_cart : 0,
      orders: {
        placed: orders.length,
        completed: orders.filter((o) => o.status === 'completed').length,
        failed: orders.filter((o) => o.status === 'failed').length,
        pending: orders.filter((o) => o.status === 'pending').length,
        failedByReason,
      },
      declinesByCountry,
      requests: {
        total: this.requests,
        perSecond: Math.round((this.requests / meta.durationSeconds) * 10) / 10,
        errors: Object.fromEntries(this.errors),
        latencyMs: { p50: p(0.5), p95: p(0.95), p99: p(0.99) },
      },
    };
  }
}
