import { describe, expect, it } from 'vitest';
import { openStore, type HandlerContext } from '@webstore/consumer-runtime';
import type { WebstoreMetrics } from '@webstore/observability/metrics';
import { analyticsState } from './domain.js';
import { analyticsHandlers } from './handlers.js';

/** Metrics that remember what the funnel counter was given. */
function recordingMetrics() {
  const funnel: Record<string, unknown>[] = [];
  const counter = { add: () => undefined };
  const metrics = new Proxy({} as WebstoreMetrics, {
    get: (_t, key) =>
      key === 'funnelStage'
        ? { add: (_n: number, labels: Record<string, unknown>) => funnel.push(labels) }
        : counter,
  });
  return { metrics, funnel };
}

const viewed = (replayId?: string) =>
  ({
    event: {
      id: 'e1',
      name: 'ProductViewed',
      data: {
        sessionId: 's',
        country: 'US',
        occurredAt: new Date().toISOString(),
        synthetic: false,
        productId: 'sku-lamp',
      },
    },
    message: { headers: {} },
    replayId,
  }) as unknown as HandlerContext<'ProductViewed'>;

describe('analytics funnel and replays', () => {
  it('leaves replayed events out of the live funnel', () => {
    const { metrics, funnel } = recordingMetrics();
    const handlers = analyticsHandlers(analyticsState(openStore()), metrics);
    void handlers.ProductViewed!(viewed());
    void handlers.ProductViewed!(viewed('rpl-1'));
    expect(funnel).toEqual([{ stage: 'view_product', country: 'US', synthetic: 'false' }]);
  });

  it('counts them with replay="true" when asked to include replays', () => {
    const { metrics, funnel } = recordingMetrics();
    const handlers = analyticsHandlers(analyticsState(openStore()), metrics, {
      includeReplays: true,
    });
    void handlers.ProductViewed!(viewed('rpl-1'));
    void handlers.ProductViewed!(viewed());
    expect(funnel).toEqual([
      { stage: 'view_product', country: 'US', synthetic: 'false', replay: 'true' },
      { stage: 'view_product', country: 'US', synthetic: 'false' },
    ]);
  });
});
