// Runs virtual users against the gateway's public API, exactly as the store calls it, marked as
// synthetic (X-Synthetic and W3C baggage). Decisions come from the shopper plans; only how many
// shoppers fit in the duration depends on time.
import type { Scenario } from './scenarios.js';
import { planShopper, type ShopperPlan, type Step } from './shopper.js';
import { Stats, type Summary } from './stats.js';

export interface TrafficOptions {
  url: string;
  users: number;
  durationSeconds: number;
  scenario: Scenario;
  seed: number;
  /** Upper bound on shoppers started per second (times the scenario's load); unbounded if absent. */
  rate?: number;
  /** Pause between a shopper's steps, before the scenario's load divides it (default 200 ms). */
  thinkMs?: number;
  /** How long to wait at the end for placed orders to finish (default 30 s). */
  drainSeconds?: number;
  onTick?: (stats: Stats, elapsedSeconds: number) => void;
  signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runTraffic(options: TrafficOptions): Promise<Summary> {
  const stats = new Stats();
  const { scenario } = options;
  const runId = Date.now().toString(36);
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const progress = () => Math.min(1, elapsed() / options.durationSeconds);
  const stopped = () => elapsed() >= options.durationSeconds || options.signal?.aborted === true;
  const baseHeaders = {
    'content-type': 'application/json',
    'x-synthetic': 'true',
    baggage: 'synthetic=true',
  };

  async function call(
    path: string,
    init: { method?: string; token?: string; body?: unknown; key?: string } = {},
  ): Promise<unknown> {
    const t0 = performance.now();
    stats.requests++;
    try {
      const response = await fetch(`${options.url}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
          ...baseHeaders,
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...(init.key ? { 'idempotency-key': init.key } : {}),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(10_000),
      });
      stats.latencies.push(performance.now() - t0);
      const text = await response.text();
      if (!response.ok) {
        stats.error(`HTTP ${response.status}`);
        return undefined;
      }
      return text ? JSON.parse(text) : undefined;
    } catch (err) {
      stats.error((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name);
      return undefined;
    }
  }

  async function perform(plan: ShopperPlan, step: Step): Promise<void> {
    const activity = { sessionId: plan.sessionId, country: plan.country };
    switch (step.type) {
      case 'browse_catalog':
        await call(`/api/products?category=${step.category}`);
        if (
          await call('/api/activity', {
            token: plan.token,
            body: { ...activity, type: step.type, category: step.category },
          })
        )
          stats.count(step.type, plan.country);
        return;
      case 'view_product':
        await call(`/api/products/${step.productId}`);
        if (
          await call('/api/activity', {
            token: plan.token,
            body: { ...activity, type: step.type, productId: step.productId },
          })
        )
          stats.count(step.type, plan.country);
        return;
      case 'add_to_cart':
        if (await call('/api/activity', { token: plan.token, body: { ...activity, ...step } }))
          stats.count(step.type, plan.country);
        return;
      case 'checkout_started':
        if (await call('/api/activity', { token: plan.token, body: { ...activity, ...step } }))
          stats.count(step.type, plan.country);
        return;
      case 'order': {
        const body = {
          items: step.items,
          country: plan.country,
          ...(step.paymentSeed === undefined ? {} : { paymentSeed: step.paymentSeed }),
        };
        const accepted = (await call('/api/orders', {
          token: plan.token,
          body,
          key: `traffic-${runId}-${plan.index}`,
        })) as { orderId?: string } | undefined;
        if (accepted?.orderId)
          stats.orders.set(accepted.orderId, {
            country: plan.country,
            status: 'pending',
            token: plan.token,
          });
      }
    }
  }

  let nextIndex = 0;
  let startedShoppers = 0;
  async function user(): Promise<void> {
    while (!stopped()) {
      if (options.rate) {
        // Paces shopper starts to `rate` per second times the scenario's load at this moment.
        const allowed = options.rate * scenario.load(progress()) * elapsed();
        if (startedShoppers >= allowed) {
          await sleep(20);
          continue;
        }
      }
      startedShoppers++;
      const plan = planShopper(options.seed, nextIndex++, scenario);
      stats.shoppers.total++;
      stats.shoppers[plan.kind]++;
      for (const step of plan.steps) {
        if (options.signal?.aborted) return;
        await perform(plan, step);
        await sleep((options.thinkMs ?? 200) / scenario.load(progress()));
      }
    }
  }

  const ticker = setInterval(() => options.onTick?.(stats, elapsed()), 250);
  try {
    await Promise.all(Array.from({ length: options.users }, () => user()));
    // Follow every placed order to its end, as the store's journey page would: with the token of
    // the shopper who placed it (the generator holds no admin token).
    const drainUntil = Date.now() + (options.drainSeconds ?? 30) * 1000;
    for (;;) {
      const pending = [...stats.orders].filter(([, o]) => o.status === 'pending');
      if (pending.length === 0 || Date.now() > drainUntil) break;
      await Promise.all(
        pending.map(async ([orderId, o]) => {
          const order = (await call(`/api/orders/${orderId}`, { token: o.token })) as
            { status?: string; reason?: string } | undefined;
          if (order?.status && order.status !== 'pending')
            Object.assign(o, { status: order.status, reason: order.reason });
        }),
      );
      if ([...stats.orders.values()].some((o) => o.status === 'pending')) await sleep(250);
    }
    for (const o of stats.orders.values())
      if (o.status === 'completed') stats.count('checkout_complete', o.country);
  } finally {
    clearInterval(ticker);
  }
  return stats.summary({
    scenario: scenario.name,
    seed: options.seed,
    users: options.users,
    durationSeconds: options.durationSeconds,
  });
}
