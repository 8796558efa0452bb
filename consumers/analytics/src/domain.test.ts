import { describe, expect, it } from 'vitest';
import { segmentOf, type CustomerHistory } from '@webstore/schemas';
import { applyPurchase } from './domain.js';

const DAY = 24 * 60 * 60 * 1000;
const now = Date.UTC(2026, 10, 25);

describe('purchase histories', () => {
  it('accumulates purchases into a history per customer', () => {
    const histories = new Map<string, CustomerHistory>();
    for (let i = 0; i < 6; i++)
      applyPurchase(histories, { customerId: 'c', amountCents: 1000, at: now - i * DAY });
    applyPurchase(histories, { customerId: 'd', amountCents: 60_000, at: now });
    expect(histories.get('c')).toEqual({ orders: 6, spentCents: 6000, lastOrderAt: now });
    expect(segmentOf(histories.get('c'), now)).toBe('vip');
    expect(segmentOf(histories.get('d'), now)).toBe('vip');
  });
});
