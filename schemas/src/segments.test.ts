import { describe, expect, it } from 'vitest';
import { personaByToken } from './seed/personas.js';
import { seedHistory, segmentOf, withPurchase, type CustomerHistory } from './segments.js';

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

  it('starts the demo personas where their seed history puts them', () => {
    const segment = (token: string) => segmentOf(seedHistory(personaByToken(token)!, now), now);
    expect(segment('user-token-123')).toBe('returning');
    expect(segment('admin-token-456')).toBe('at_risk');
    expect(segment('test-token-789')).toBe('new');
    expect(segment('user-token-321')).toBe('at_risk');
  });

  it('accumulates purchases without touching the history it started from', () => {
    let history: CustomerHistory | undefined;
    for (let i = 0; i < 6; i++)
      history = withPurchase(history, { amountCents: 1000, at: now - i * DAY });
    expect(history).toEqual({ orders: 6, spentCents: 6000, lastOrderAt: now });
    expect(segmentOf(history, now)).toBe('vip');
    const before = { orders: 1, spentCents: 10, lastOrderAt: now };
    withPurchase(before, { amountCents: 5, at: now + DAY });
    expect(before).toEqual({ orders: 1, spentCents: 10, lastOrderAt: now });
  });
});
