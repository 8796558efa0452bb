// The saga's edges, as real processes: an order whose stock step is down times out with reason
// `timeout` and leaves stock as it was; sustained orders for a scarce product never sell it out,
// because inventory restocks it (and stock is conserved); one customer cannot read another's order.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productById, TOPICS, type StockLevel } from '@webstore/schemas';
import { waitFor } from '@webstore/testkit';
import { startStack, type Stack } from '../src/stack.js';
import { stackClient } from './helpers.js';

const ORDER_TIMEOUT_MS = 2_000;
let stack: Stack;
let dataDir: string;
let client: ReturnType<typeof stackClient>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'webstore-saga-'));
  stack = await startStack({
    dataDir,
    telemetry: false,
    env: { PAYMENT_LATENCY_MS: '5' },
    serviceEnv: {
      gateway: { ORDER_TIMEOUT_MS: String(ORDER_TIMEOUT_MS) },
      inventory: { RESTOCK_THRESHOLD: '5', RESTOCK_QUANTITY: '20' },
    },
  });
  client = stackClient(stack);
});

afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('order deadlines', () => {
  it('fails an order that saw no outcome in time with reason timeout, and restores its stock', async () => {
    const stockBefore = await client.stockOf('sku-grinder');
    await stack.stopService('inventory');
    const { orderId } = await client.placeOrder({
      items: [{ productId: 'sku-grinder', quantity: 2 }],
      country: 'US',
      paymentSeed: 1,
    });
    const failed = await waitFor(
      async () => {
        const o = await client.order(orderId);
        return o.status === 'failed' ? o : undefined;
      },
      {
        timeoutMs: 30_000,
        message: `order ${orderId} failed after its ${ORDER_TIMEOUT_MS} ms deadline`,
      },
    );
    expect(failed).toMatchObject({ reason: 'timeout', sagaComplete: false });
    expect(failed.events.map((e) => e.type)).toEqual([
      'OrderPlaced',
      'OrderTimedOut',
      'PaymentDeclined',
    ]);
    // Inventory comes back and answers the order either way (reserved then released, or never
    // reserved): the saga ends and the stock is what it was.
    await stack.startService('inventory');
    const [done] = await client.untilTerminal([orderId]);
    expect(done!.events.some((e) => e.type === 'StockReleased' || e.type === 'StockRejected')).toBe(
      true,
    );
    expect(await client.eventsFor(TOPICS.payments, orderId)).toEqual([
      { id: expect.any(String), type: 'com.webstore.payment.declined.v1' },
    ]);
    await waitFor(async () => (await client.stockOf('sku-grinder')) === stockBefore, {
      timeoutMs: 10_000,
      message: `sku-grinder back to ${stockBefore} units`,
    });
  });
});

describe('restocking', () => {
  it('keeps a scarce product in stock under sustained orders, conserving every unit', async () => {
    const initial = productById('sku-stove')!.initialStock;
    expect(initial).toBeLessThan(10);
    const orderIds: string[] = [];
    for (let round = 0; round < 6; round++) {
      const placed = await Promise.all(
        Array.from({ length: 10 }, () =>
          client.placeOrder({ items: [{ productId: 'sku-stove', quantity: 1 }], country: 'DE' }),
        ),
      );
      orderIds.push(...placed.map((p) => p.orderId));
    }
    const orders = await client.untilTerminal(orderIds, 90_000);
    expect(orders.filter((o) => o.reason === 'out_of_stock')).toEqual([]);
    // Inventory's own reports: restocks happened, and the newest level obeys the conservation law.
    let newest: StockLevel | undefined;
    let restocks = 0;
    for (const m of await client.readTopic(TOPICS.inventory)) {
      const data = JSON.parse(m.value!.toString()) as { levels?: StockLevel[]; level?: StockLevel };
      if (
        m.headers!.ce_type!.toString().includes('replenished') &&
        data.level?.productId === 'sku-stove'
      )
        restocks++;
      for (const level of [...(data.levels ?? []), ...(data.level ? [data.level] : [])])
        if (level.productId === 'sku-stove' && (!newest || level.version > newest.version))
          newest = level;
    }
    expect(restocks).toBeGreaterThanOrEqual(2);
    expect(newest!.available + newest!.reserved + newest!.sold).toBe(initial + newest!.restocked);
    expect(newest!.available).toBeGreaterThanOrEqual(0);
    await waitFor(async () => (await client.stockOf('sku-stove')) === newest!.available, {
      timeoutMs: 10_000,
      message: `the catalog shows inventory's ${newest!.available} stoves`,
    });
  });
});

describe('access', () => {
  it("answers 404 for another customer's order, on the order and on its stream", async () => {
    const { orderId } = await client.placeOrder({
      items: [{ productId: 'sku-lamp', quantity: 1 }],
      country: 'US',
    });
    for (const path of [`/api/orders/${orderId}`, `/api/orders/${orderId}/events`]) {
      const response = await fetch(`${stack.urls.gateway}${path}`, {
        headers: { authorization: 'Bearer test-token-789' },
      });
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/problem\+json/);
    }
  });
});
