// What `npm start` does when a process dies: the supervisor starts it again, on the same port
// and data, and says so. Real processes, killed with SIGKILL behind the stack's back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@webstore/testkit';
import { startStack, type ProcessName, type Stack } from '../src/stack.js';
import { postOrder, untilSagasEnd } from './outage-helpers.js';

let stack: Stack;
let dataDir: string;
const progress: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'webstore-supervision-'));
  stack = await startStack({
    dataDir,
    env: { PAYMENT_LATENCY_MS: '5' },
    supervise: { initialBackoffMs: 500 },
    onProgress: (message) => progress.push(message),
  });
});

afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** SIGKILLs a process without telling the stack, as a crash would. */
async function crash(name: ProcessName): Promise<number> {
  const managed = stack.process(name)!;
  const pid = managed.child.pid!;
  managed.kill();
  await managed.exited;
  return pid;
}

async function placeAndFinish(): Promise<string> {
  const response = await postOrder(stack, {
    items: [{ productId: 'sku-mouse', quantity: 1 }],
    country: 'US',
  });
  expect(response.status).toBe(202);
  const { orderId } = (await response.json()) as { orderId: string };
  const [order] = await untilSagasEnd(stack, [orderId], 60_000);
  return order!.status;
}

const ready = (url: string) =>
  fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
    (r) => r.ok,
    () => false,
  );

describe('npm start supervision', () => {
  it('restarts a consumer that was killed and says so', async () => {
    const pid = await crash('payment');
    await waitFor(
      async () =>
        stack.restarts('payment') === 1 &&
        stack.process('payment')!.child.pid !== pid &&
        (await ready(stack.urls.payment)),
      { timeoutMs: 60_000, message: `payment restarted (killed pid ${pid}) and ready` },
    );
    expect(progress.join('\n')).toMatch(
      /payment exited \(signal SIGKILL\) after [\d.]+ s; restarting in 0\.5 s \(restart 1\)/,
    );
    expect(progress.join('\n')).toMatch(/payment restarted and ready in [\d.]+ s \(restart 1\)/);
    expect(['completed', 'failed']).toContain(await placeAndFinish());
  }, 120_000);

  it('restarts the broker that was killed, and the services carry on', async () => {
    const pid = await crash('kafka');
    await waitFor(
      async () =>
        stack.restarts('kafka') === 1 &&
        stack.process('kafka')!.child.pid !== pid &&
        (await ready(stack.urls.gateway)),
      { timeoutMs: 60_000, message: `the broker restarted (killed pid ${pid}), gateway ready` },
    );
    expect(progress.join('\n')).toMatch(/kafka exited \(signal SIGKILL\)/);
    await waitFor(
      async () =>
        (await ready(stack.urls.inventory)) &&
        (await ready(stack.urls.payment)) &&
        (await ready(stack.urls.analytics)),
      { timeoutMs: 60_000, message: 'inventory, payment and analytics back in their groups' },
    );
    expect(['completed', 'failed']).toContain(await placeAndFinish());
  }, 150_000);

  it('leaves a process stopped on purpose alone until it is started again', async () => {
    const restarts = stack.restarts('analytics');
    await stack.killService('analytics');
    await stack.startService('analytics');
    expect(await ready(stack.urls.analytics)).toBe(true);
    expect(stack.restarts('analytics')).toBe(restarts);
    // Supervised again after the deliberate restart.
    const pid = await crash('analytics');
    await waitFor(
      async () =>
        stack.restarts('analytics') === restarts + 1 &&
        stack.process('analytics')!.child.pid !== pid &&
        (await ready(stack.urls.analytics)),
      { timeoutMs: 60_000, message: 'analytics restarted by the supervisor after a crash' },
    );
  }, 120_000);
});
