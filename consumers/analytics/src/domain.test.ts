import { describe, expect, it } from 'vitest';
import { openStore } from '@webstore/consumer-runtime';
import { segmentOf } from '@webstore/schemas';
import { analyticsState } from './domain.js';

const DAY = 24 * 60 * 60 * 1000;
const now = Date.UTC(2026, 10, 25);

describe('analytics state', () => {
  it('counts an order fact once, whatever delivers it again, and grows the history once', () => {
    const state = analyticsState(openStore(), () => now);
    const purchase = { customerId: 'c', amountCents: 60_000, at: now };
    expect(state.count('o1', 'purchase', purchase)).toBe(true);
    expect(state.count('o1', 'purchase', purchase)).toBe(false);
    expect(state.historyOf('c')).toEqual({ orders: 1, spentCents: 60_000, lastOrderAt: now });
    expect(segmentOf(state.historyOf('c'), now)).toBe('vip');
    expect(state.count('o1', 'order_placed')).toBe(true);
  });

  it('accumulates purchases into a history per customer, seeded for the personas', () => {
    const state = analyticsState(openStore(), () => now);
    for (let i = 0; i < 6; i++)
      state.count(`o${i}`, 'purchase', { customerId: 'c', amountCents: 1000, at: now - i * DAY });
    expect(state.historyOf('c')).toEqual({ orders: 6, spentCents: 6000, lastOrderAt: now });
    expect(segmentOf(state.historyOf('c'), now)).toBe('vip');
    expect(state.historyOf('cust-ana')).toBeDefined();
  });
});
