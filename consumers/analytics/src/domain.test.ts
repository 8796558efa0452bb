import { describe, expect, it } from 'vitest';
import { applyPurchase, segmentOf, type CustomerHistory } from './domain.js';

const DAY = 24 * 60 * 60 * 1000;
const now = Date.UTC(2026, 10, 25);

describe('customer segments', () => {
  it('follows the reference definitions', () => {
    expect(segmentOf(undefined, now)).toBe('new');
    expect(segmentOf({ orders: 1, spentCents: 1000, lastOrderAt: now - DAY }, now)).toBe(
      'returning',
    );
    expect(segmentOf({ orders: 2, spentCents: 50_001, lastOrderAt: now }, now)).toBe('vip');
    expect(segmentOf({ orders: 6, spentCents: 100, lastOrderAt: now }, now)).toBe('vip');
    expect(segmentOf({ orders: 5, spentCents: 50_000, lastOrderAt: now }, now)).toBe('returning');
    expect(segmentOf({ orders: 1, spentCents: 100, lastOrderAt: now - 31 * DAY }, now)).toBe(
      'at_risk',
    );
    expect(segmentOf({ orders: 1, spentCents: 100, lastOrderAt: now - 91 * DAY }, now)).toBe(
      'churned',
    );
  });

  it('accumulates purchases into a history', () => {
    const histories = new Map<string, CustomerHistory>();
    for (let i = 0; i < 6; i++)
      applyPurchase(histories, { customerId: 'c', amountCents: 1000, at: now - i * DAY });
    expect(histories.get('c')).toEqual({ orders: 6, spentCents: 6000, lastOrderAt: now });
    expect(segmentOf(histories.get('c'), now)).toBe('vip');
  });
});
