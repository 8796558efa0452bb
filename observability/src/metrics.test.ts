import { describe, expect, it } from 'vitest';
import { metricsCatalog } from './metrics-catalog.js';
import { createMetrics } from './metrics.js';

// Recording and exporting are proven against the real preload in test/metric-names.test.ts;
// here, without an SDK, the instruments are the API's no-ops.
describe('createMetrics', () => {
  it('creates an instrument of the right shape for every catalog entry', () => {
    const instruments = createMetrics();
    expect(Object.keys(instruments).sort()).toEqual(Object.keys(metricsCatalog).sort());
    for (const [key, spec] of Object.entries(metricsCatalog)) {
      const instrument = instruments[key as keyof typeof instruments] as unknown as Record<
        string,
        unknown
      >;
      const method =
        spec.kind === 'counter' ? 'add' : spec.kind === 'observed-gauge' ? 'replace' : 'record';
      expect(typeof instrument[method], key).toBe('function');
    }
  });

  it('accepts the catalog labels without an SDK (no-op)', () => {
    const { ordersPlaced, orderE2eDuration, stockAvailable } = createMetrics();
    ordersPlaced.add(1, { country: 'DE', synthetic: false });
    orderE2eDuration.record(0.4, { status: 'completed', country: 'DE' });
    stockAvailable.record(12, { product: 'p-1' });
  });
});
