// createApp builds the Koa application from its dependencies without listening, so tests can
// drive it directly and main.ts only wires the real ones.
import Koa from 'koa';
import type { Logger } from '@webstore/observability/logger';
import type { WebstoreMetrics } from '@webstore/observability/metrics';
import { setRequestAttribute } from '@webstore/observability/spans';
import type { Publisher } from '@webstore/producer-client';
import type { GatewayConfig } from './config.js';
import type { IdempotencyKeys } from './idempotency.js';
import { problemMiddleware } from './problem.js';
import type { OrderProjection } from './projection.js';
import { activityRouter } from './routes/activity.js';
import { catalogRouter } from './routes/catalog.js';
import { operationsRouter, type Readiness } from './routes/operations.js';
import { ordersRouter } from './routes/orders.js';
import { isSynthetic } from './synthetic.js';

export interface AppDeps {
  config: GatewayConfig;
  publisher: Publisher;
  projection: OrderProjection;
  keys: IdempotencyKeys;
  metrics: WebstoreMetrics;
  log: Logger;
  readiness: Readiness;
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.use(problemMiddleware(deps.log, deps.readiness.retryAfterSeconds));
  // Every request of generated traffic is marked, reads included, so tail sampling can keep
  // synthetic traces out of the baseline share.
  app.use(async (ctx, next) => {
    if (isSynthetic(ctx)) setRequestAttribute('webstore.synthetic', true);
    await next();
  });
  for (const router of [
    operationsRouter(deps.config, deps.readiness),
    catalogRouter(deps.projection),
    activityRouter(deps.publisher),
    ordersRouter(deps.publisher, deps.projection, deps.metrics, deps.keys),
  ]) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return app;
}

export { OrderProjection, type JourneyEvent, type OrderView } from './projection.js';
export { startProjection } from './projection-consumer.js';
export { loadConfig, ConfigError, type GatewayConfig } from './config.js';
export { idempotencyKeys, type IdempotencyKeys } from './idempotency.js';
export { startOrderDeadlines } from './order-deadlines.js';
