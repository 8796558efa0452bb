import { describe, expect, it } from 'vitest';
import { products } from '@webstore/schemas';
import {
  applyInventory,
  decideReservation,
  initialInventory,
  type InventoryState,
} from './domain.js';

function conserved(state: InventoryState): boolean {
  return products.every((p) => {
    const l = state.stock.get(p.id)!;
    return (
      l.available + l.reserved + l.sold === p.initialStock && l.available >= 0 && l.reserved >= 0
    );
  });
}

describe('inventory domain', () => {
  it('reserves every line or none', () => {
    const state = initialInventory();
    const decision = decideReservation(state, {
      orderId: 'o1',
      items: [{ productId: 'sku-stove', quantity: 4, unitPriceCents: 1 }],
    });
    expect(decision).toEqual({
      t: 'reject',
      orderId: 'o1',
      shortages: [{ productId: 'sku-stove', requested: 4, available: 3 }],
    });
    const ok = decideReservation(state, {
      orderId: 'o2',
      items: [
        { productId: 'sku-stove', quantity: 2, unitPriceCents: 1 },
        { productId: 'sku-stove', quantity: 1, unitPriceCents: 1 },
      ],
    });
    expect(ok).toEqual({
      t: 'reserve',
      orderId: 'o2',
      items: [{ productId: 'sku-stove', quantity: 3 }],
    });
  });

  it('releases on decline and sells on authorization, once each', () => {
    const state = initialInventory();
    applyInventory(
      state,
      decideReservation(state, {
        orderId: 'a',
        items: [{ productId: 'sku-dock', quantity: 2, unitPriceCents: 1 }],
      }),
    );
    applyInventory(
      state,
      decideReservation(state, {
        orderId: 'b',
        items: [{ productId: 'sku-dock', quantity: 3, unitPriceCents: 1 }],
      }),
    );
    expect(state.stock.get('sku-dock')).toEqual({ available: 0, reserved: 5, sold: 0 });
    applyInventory(state, { t: 'release', orderId: 'a' });
    applyInventory(state, { t: 'release', orderId: 'a' });
    applyInventory(state, { t: 'sell', orderId: 'b' });
    applyInventory(state, { t: 'release', orderId: 'b' });
    expect(state.stock.get('sku-dock')).toEqual({ available: 2, reserved: 0, sold: 3 });
  });

  it('conserves stock through any interleaving of orders, declines, authorizations and redeliveries', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const state = initialInventory();
    const ids = products.map((p) => p.id);
    for (let i = 0; i < 5000; i++) {
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
        applyInventory(state, decideReservation(state, { orderId, items }));
      } else if (roll < 0.75) applyInventory(state, { t: 'release', orderId });
      else applyInventory(state, { t: 'sell', orderId });
      expect(conserved(state)).toBe(true);
    }
  });
});
