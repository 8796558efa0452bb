// createApp builds the Koa application from its dependencies without listening, so tests can
// drive it directly and main.ts only wires the real ones.
import Koa from 'koa';
import type { Logger } from '@webstore/observability/logger';
import type { WebstoreMetrics } from '@webstore/observability/metrics';
import { setRequestAttribute } from '@webstore/observability/spans';
import type { Publisher } from '@webstore/producer-client';
import { createAuth } from './auth.js';
import type { GatewayConfig } from './config.js';
import type { IdempotencyKeys } from './idempotency.js';
import { OpenStreams } from './limits.js';
import { problemMiddleware } from './problem.js';
import type { OrderProjection } from './projection.js';
import { activityRouter } from './routes/activity.js';
import { catalogRouter } from './routes/catalog.js';
import { operationsRouter, type Readiness } from './routes/operations.js';
import { ordersRouter } from './routes/orders.js';
import { isSynthetic } from './synthetic.js';
import { createTickets } from './tickets.js';

export interface AppDeps {
  config: GatewayConfig;
  publisher: Publisher;
  projection: OrderProjection;
  keys: IdempotencyKeys;
  metrics: WebstoreMetrics;
  log: Logger;
  readiness: Readiness;
}

export interface Gateway {
  app: Koa;
  /** The open event streams; `endAll()` on shutdown lets the HTTP server close promptly. */
  streams: OpenStreams;
}

/** The Koa app, and the open event streams, which `main.ts` ends on shutdown. */
export function createGateway(deps: AppDeps): Gateway {
  const { config } = deps;
  const app = new Koa();
  const auth = createAuth(config.adminToken);
  const tickets = createTickets(config.ticketSecret, config.ticketTtlMs);
  const streams = new OpenStreams(config.limits.sseStreams);
  app.use(problemMiddleware(deps.log, deps.readiness.retryAfterSeconds));
  // Every request of generated traffic is marked, reads included, so tail sampling can keep
  // synthetic traces out of the baseline share.
  app.use(async (ctx, next) => {
    if (isSynthetic(ctx)) setRequestAttribute('webstore.synthetic', true);
    await next();
  });
  for (const router of [
    operationsRouter(config, deps.readiness, auth),
    catalogRouter(deps.projection, config.demoMode),
    activityRouter(deps.publisher, auth, config.limits.activity),
    ordersRouter({ ...deps, auth, tickets, limit: config.limits.orders, streams }),
  ]) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return { app, streams };
}

/** The Koa app alone (tests that need no shutdown). */
export function createApp(deps: AppDeps): Koa {
  return createGateway(deps).app;
}

export { OrderProjection, type JourneyEvent, type OrderView } from './projection.js';
export { startProjection } from './projection-consumer.js';
export { loadConfig, ConfigError, type GatewayConfig } from './config.js';
export { idempotencyKeys, type IdempotencyKeys } from './idempotency.js';
export { OpenStreams, rateLimit, type RateLimit } from './limits.js';
export { startOrderDeadlines } from './order-deadlines.js';
