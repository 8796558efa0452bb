import { describe, expect, it } from 'vitest';
import { openStore } from '@webstore/consumer-runtime';
import { products } from '@webstore/schemas';
import { conserved, initialLevel, planReservation } from './domain.js';
import { inventoryState } from './state.js';

const noRestock = { threshold: 0, quantity: 0 };

describe('inventory domain', () => {
  it('reserves every line or none', () => {
    const plan = planReservation(initialLevel, {
      items: [{ productId: 'sku-stove', quantity: 4, unitPriceCents: 1 }],
    });
    expect(plan).toEqual({
      ok: false,
      shortages: [{ productId: 'sku-stove', requested: 4, available: 3 }],
    });
    const ok = planReservation(initialLevel, {
      items: [
        { productId: 'sku-stove', quantity: 2, unitPriceCents: 1 },
        { productId: 'sku-stove', quantity: 1, unitPriceCents: 1 },
      ],
    });
    expect(ok).toMatchObject({ ok: true, items: [{ productId: 'sku-stove', quantity: 3 }] });
    expect(
      planReservation(initialLevel, {
        items: [{ productId: 'sku-none', quantity: 1, unitPriceCents: 1 }],
      }),
    ).toMatchObject({ ok: false });
  });

  it('decides an order once, releases on decline and sells on authorization, once each', () => {
    const state = inventoryState(openStore(), noRestock);
    const order = (orderId: string, quantity: number) => ({
      orderId,
      items: [{ productId: 'sku-dock', quantity, unitPriceCents: 1 }],
    });
    expect(state.reserve(order('a', 2))).toMatchObject({ kind: 'reserved', fresh: true });
    expect(state.reserve(order('a', 2))).toMatchObject({ kind: 'reserved', fresh: false });
    state.reserve(order('b', 3));
    expect(state.levelOf('sku-dock')).toMatchObject({ reserved: 5 });
    expect(state.release('a')).toMatchObject({ fresh: true });
    expect(state.release('a')).toMatchObject({ fresh: false });
    state.sell('b');
    state.release('b');
    const level = state.levelOf('sku-dock');
    expect(level).toMatchObject({ reserved: 0, sold: 3, version: 4 });
    expect(conserved(level)).toBe(true);
  });

  it('never reserves an order whose payment was declined before inventory saw it', () => {
    const state = inventoryState(openStore(), noRestock);
    expect(state.release('late')).toEqual({ fresh: false });
    expect(
      state.reserve({
        orderId: 'late',
        items: [{ productId: 'sku-lamp', quantity: 1, unitPriceCents: 1 }],
      }),
    ).toMatchObject({ kind: 'rejected', rejection: { reason: 'cancelled' } });
    expect(state.levelOf('sku-lamp')).toEqual(initialLevel('sku-lamp'));
  });

  it('restocks a product that falls below its threshold, once per fall, through the outbox', () => {
    const state = inventoryState(openStore(), { threshold: 2, quantity: 10 });
    state.reserve({
      orderId: 'x',
      items: [{ productId: 'sku-stove', quantity: 2, unitPriceCents: 1 }],
    });
    expect(state.levelOf('sku-stove')).toMatchObject({ available: 11, reserved: 2, restocked: 10 });
    const pending = state.pendingRestocks();
    expect(pending.map(([key]) => key)).toEqual(['sku-stove#10']);
    state.restockPublished('sku-stove#10');
    expect(state.pendingRestocks()).toEqual([]);
  });

  it('conserves stock through any interleaving of orders, declines, authorizations, redeliveries and restocks', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const state = inventoryState(openStore(), { threshold: 5, quantity: 20 });
    const ids = products.map((p) => p.id);
    for (let i = 0; i < 3000; i++) {
      const orderId = `o${Math.floor(random() * 800)}`;
      const roll = random();
      if (roll < 0.5) {
        const items = [
          {
            productId: ids[Math.floor(random() * ids.length)]!,
            quantity: 1 + Math.floor(random() * 5),
            unitPriceCents: 1,
          },
        ];
        state.reserve({ orderId, items });
      } else if (roll < 0.75) state.release(orderId);
      else state.sell(orderId);
    }
    for (const id of ids) expect(conserved(state.levelOf(id)), id).toBe(true);
    expect(state.levels().some((l) => l.restocked > 0)).toBe(true);
  });
});
