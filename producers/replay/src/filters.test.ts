import { describe, expect, it } from 'vitest';
import { eventTypeOf, isEmptyFilter, matches, parseHeaderFilters } from './filters.js';

const message = (headers: Record<string, string>, data: object, key = 'order-1') => ({
  key: Buffer.from(key),
  value: Buffer.from(JSON.stringify(data)),
  headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
});

const placed = message(
  { ce_id: 'e1', ce_type: 'com.webstore.order.placed.v1', webstore_synthetic: 'true' },
  { orderId: 'order-1', country: 'BR' },
);

describe('matches', () => {
  it('passes everything without filters', () => {
    expect(matches(placed, {})).toBe(true);
    expect(isEmptyFilter({})).toBe(true);
  });
  it('filters by key', () => {
    expect(matches(placed, { key: 'order-1' })).toBe(true);
    expect(matches(placed, { key: 'order-2' })).toBe(false);
  });
  it('filters by event name or CloudEvents type', () => {
    expect(eventTypeOf(placed)).toBe('OrderPlaced');
    expect(matches(placed, { type: 'OrderPlaced' })).toBe(true);
    expect(matches(placed, { type: 'com.webstore.order.placed.v1' })).toBe(true);
    expect(matches(placed, { type: 'PaymentAuthorized' })).toBe(false);
  });
  it('filters by header values, all of them', () => {
    expect(matches(placed, { headers: { webstore_synthetic: 'true' } })).toBe(true);
    expect(matches(placed, { headers: { webstore_synthetic: 'true', ce_id: 'e2' } })).toBe(false);
    expect(matches(placed, { headers: { missing: 'x' } })).toBe(false);
  });
  it('filters by country, case-insensitively, and drops records without one', () => {
    expect(matches(placed, { country: 'br' })).toBe(true);
    expect(matches(placed, { country: 'US' })).toBe(false);
    expect(matches(message({ ce_type: 'x' }, { orderId: 'o' }), { country: 'US' })).toBe(false);
    expect(matches({ ...placed, value: Buffer.from('not json') }, { country: 'BR' })).toBe(false);
  });
  it('leaves out copies an earlier replay published, unless asked', () => {
    const copy = message({ ce_type: 'x', webstore_replay_id: 'rpl-1' }, {});
    expect(matches(copy, {})).toBe(false);
    expect(matches(copy, { includeReplays: true })).toBe(true);
  });
  it('names an unknown type by its ce_type, and a missing one unknown', () => {
    expect(eventTypeOf(message({ ce_type: 'com.other.v1' }, {}))).toBe('com.other.v1');
    expect(eventTypeOf({ headers: {} })).toBe('unknown');
  });
});

describe('parseHeaderFilters', () => {
  it('reads name=value pairs (values may hold =)', () => {
    expect(parseHeaderFilters(['a=1', 'b=x=y'])).toEqual({ a: '1', b: 'x=y' });
  });
  it('refuses a pair without a name or =', () => {
    expect(() => parseHeaderFilters(['novalue'])).toThrow(/name=value/);
    expect(() => parseHeaderFilters(['=v'])).toThrow(/name=value/);
  });
});
