// What the outage and supervision tests share: placing and reading orders, reading topics and
// metrics, and polling an endpoint in the background to see how it behaved over time.
import { readFileSync } from 'node:fs';
import { waitFor } from '@webstore/testkit';
import type { Stack } from '../src/stack.js';
import { tails } from './helpers.js';

export { metricValue, readTopic, tails } from './helpers.js';

export const ADMIN = { authorization: 'Bearer admin-token-456' };

export interface OrderView {
  orderId: string;
  status: string;
  reason?: string;
  sagaComplete: boolean;
  events: { type: string }[];
}

export async function postOrder(
  stack: Stack,
  body: object,
  idempotencyKey?: string,
): Promise<Response> {
  return fetch(`${stack.urls.gateway}/api/orders`, {
    method: 'POST',
    headers: {
      authorization: 'Bearer user-token-123',
      'content-type': 'application/json',
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
}

export async function getOrder(stack: Stack, orderId: string): Promise<OrderView | undefined> {
  const response = await fetch(`${stack.urls.gateway}/api/orders/${orderId}`, { headers: ADMIN });
  return response.ok ? ((await response.json()) as OrderView) : undefined;
}

/** Waits until every order's saga is over, and says where each open one stopped if not. */
export async function untilSagasEnd(
  stack: Stack,
  orderIds: string[],
  timeoutMs: number,
): Promise<OrderView[]> {
  let orders: (OrderView | undefined)[] = [];
  try {
    await waitFor(
      async () => {
        orders = await Promise.all(orderIds.map((id) => getOrder(stack, id)));
        return orders.every((o) => o?.sagaComplete);
      },
      { timeoutMs, intervalMs: 500, message: `all ${orderIds.length} sagas to end` },
    );
  } catch (err) {
    const open = orderIds
      .map((id, i) => [id, orders[i]] as const)
      .filter(([, o]) => !o?.sagaComplete)
      .slice(0, 10)
      .map(
        ([id, o]) =>
          `${id}: ${o ? `${o.status} after ${o.events.map((e) => e.type).join(' > ')}` : 'unknown to the gateway'}`,
      );
    throw new Error(`${(err as Error).message}\nstill open:\n${open.join('\n')}\n${tails(stack)}`, {
      cause: err,
    });
  }
  return orders as OrderView[];
}

export interface Sample {
  at: number;
  status: number;
  body: unknown;
}

/** Polls `url` every `intervalMs` in the background, keeping every answer (status 0: no answer). */
export function watch(url: string, intervalMs = 100) {
  const samples: Sample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        samples.push({
          at,
          status: response.status,
          body: await response.json().catch(() => null),
        });
      } catch {
        samples.push({ at, status: 0, body: null });
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    samples,
    /** The first sample at or after `since` with this status. */
    first: (status: number, since: number) =>
      samples.find((s) => s.at >= since && s.status === status),
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** Broker protocol-trace lines (EMBEDDED_KAFKA_TRACE) matching `keep`; none before it exists. */
export function traceLines(file: string, keep: (entry: Record<string, unknown>) => boolean) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return {};
      }
    })
    .filter(keep);
}

export async function setFault(stack: Stack, service: string, delayMs: number): Promise<void> {
  const response = await fetch(`${stack.urls.gateway}/api/admin/faults`, {
    method: 'POST',
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify({ slowConsumer: { service, delayMs } }),
  });
  if (!response.ok) throw new Error(`setting the fault answered ${response.status}`);
}
