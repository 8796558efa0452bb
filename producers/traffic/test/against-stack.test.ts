// The generator against the real local stack: what it says it did matches what the gateway and
// analytics recorded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '@webstore/stack';
import { waitFor } from '@webstore/testkit';
import { runTraffic } from '../src/runner.js';
import { scenarios } from '../src/scenarios.js';
import { STAGES } from '../src/stats.js';

let stack: Stack;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'traffic-'));
  stack = await startStack({ dataDir, telemetry: true, env: { PAYMENT_LATENCY_MS: '5' } });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

async function syntheticFunnel(): Promise<Record<string, number>> {
  const text = await (await fetch(`${stack.urls.analytics}/metrics`)).text();
  const counts: Record<string, number> = Object.fromEntries(STAGES.map((s) => [s, 0]));
  for (const line of text.split('\n')) {
    const m = /^webstore_funnel_stage_total\{(.*)\} (\S+)$/.exec(line);
    if (!m || !m[1]!.includes('synthetic="true"')) continue;
    const stage = /stage="([^"]+)"/.exec(m[1]!)![1]!;
    counts[stage] = (counts[stage] ?? 0) + Number(m[2]);
  }
  return counts;
}

describe('traffic generator against the local stack', () => {
  it("agrees with the gateway's orders and analytics' funnel", async () => {
    const summary = await runTraffic({
      url: stack.urls.gateway,
      users: 3,
      durationSeconds: 5,
      scenario: scenarios.steady!,
      seed: 11,
      drainSeconds: 30,
    });
    expect(summary.shoppers.total).toBeGreaterThan(3);
    expect(summary.requests.errors).toEqual({});
    expect(summary.orders.pending).toBe(0);

    const admin = { authorization: 'Bearer admin-token-456' };
    const { orders } = (await (
      await fetch(`${stack.urls.gateway}/api/orders`, { headers: admin })
    ).json()) as { orders: { status: string }[] };
    expect(orders.length).toBe(summary.orders.placed);
    expect(orders.filter((o) => o.status === 'completed').length).toBe(summary.orders.completed);

    await waitFor(
      async () => JSON.stringify(await syntheticFunnel()) === JSON.stringify(summary.funnel),
      {
        timeoutMs: 30_000,
        message: `analytics counts ${JSON.stringify(summary.funnel)}`,
      },
    );
  }, 120_000);
});
