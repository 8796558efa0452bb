import { describe, expect, it } from 'vitest';
import { COUNTRY_CODES } from './events/common.js';
import { allTopics, topicCatalog } from './topics.js';
import { EVENT_NAMES, eventCatalog } from './events/catalog.js';
import { countries } from './seed/countries.js';
import { personaByToken, personas } from './seed/personas.js';
import { CATEGORIES, products } from './seed/catalog.js';

describe('seed data', () => {
  it('has the reference decline rates', () => {
    const rates = Object.fromEntries(countries.map((c) => [c.code, c.declineRate]));
    expect(rates).toEqual({ US: 0.05, UK: 0.07, DE: 0.06, FR: 0.08, JP: 0.1, BR: 0.15, IN: 0.12 });
    expect(countries.map((c) => c.code).sort()).toEqual([...COUNTRY_CODES].sort());
  });

  it('maps the demo tokens to personas, one admin', () => {
    expect(personas.map((p) => p.token)).toEqual([
      'user-token-123',
      'admin-token-456',
      'test-token-789',
      'user-token-321',
    ]);
    expect(personaByToken('admin-token-456')?.role).toBe('admin');
    expect(personaByToken('nope')).toBeUndefined();
    expect(personas.map((p) => p.history?.lastOrderDaysAgo ?? null)).toEqual([3, 45, null, 60]);
  });

  it('has about twenty products with unique ids, known categories and positive prices', () => {
    expect(products.length).toBeGreaterThanOrEqual(18);
    expect(new Set(products.map((p) => p.id)).size).toBe(products.length);
    for (const product of products) {
      expect(CATEGORIES).toContain(product.category);
      expect(product.priceCents).toBeGreaterThan(0);
      expect(Number.isInteger(product.initialStock)).toBe(true);
    }
  });
});

describe('topic catalog', () => {
  it('puts every event on exactly the topic its catalog entry names', () => {
    for (const name of EVENT_NAMES) {
      const topics = topicCatalog.filter((t) => t.events.includes(name)).map((t) => t.name);
      expect(topics).toEqual([eventCatalog[name].topic]);
    }
  });

  it('gives every topic a dead-letter topic', () => {
    const names = allTopics().map((t) => t.name);
    for (const t of topicCatalog) expect(names).toContain(`${t.name}.dlq`);
  });
});
