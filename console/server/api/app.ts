// createApp builds the console's HTTP application (API, live stream, UI) from its dependencies
// without listening, so tests can drive it and console.ts only wires the real ones.
import type { Tracer } from '@opentelemetry/api';
import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from '@webstore/observability/logger';
import type { MetricEngine } from '../metrics/engine.js';
import type { LogQueries } from '../store/logs.js';
import type { Retention } from '../store/retention.js';
import type { ServiceQueries } from '../store/services.js';
import type { TraceQueries } from '../store/traces.js';
import { requireAdmin } from './admin.js';
import { kafkaRouter } from './kafka.js';
import type { KafkaAccess } from './kafka-client.js';
import { alertsRouter } from './alerts.js';
import { logsRouter } from './logs.js';
import { ownershipRouter } from './ownership.js';
import { metricsRouter } from './metrics.js';
import { problemMiddleware } from './problem.js';
import { replaysRouter } from './replays.js';
import { servicesRouter } from './services.js';
import type { StreamHub } from './stream.js';
import { tracesRouter } from './traces.js';
import { serveUi } from './ui.js';

export interface AppDeps {
  traces: TraceQueries;
  logs: LogQueries;
  metrics: MetricEngine;
  services: ServiceQueries;
  retention: Retention;
  stream: StreamHub;
  adminToken: string;
  uiDir: string;
  log: Logger;
  /** Whether the receivers are listening and the store is open. */
  ready: () => boolean;
  /** Kafka for the browser and replays (connected on first use); without it those routes are absent. */
  kafka?: KafkaAccess;
  /** Where the replay audit trail lives (shared with the replay CLI). */
  replayDataDir?: string;
  /** The tracer of the replays this console executes. */
  replayTracer?: () => Tracer | undefined;
  /** Prometheus whose alerts GET /api/alerts shows. */
  prometheusUrl?: string;
}

function operationsRouter(deps: AppDeps): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok', service: 'console' };
  });
  router.get('/readyz', (ctx) => {
    const ready = deps.ready();
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'starting', service: 'console' };
  });
  // Enforce retention now (it also runs on a timer): the one state-changing route so far.
  router.post('/api/admin/retention', requireAdmin(deps.adminToken), (ctx) => {
    ctx.body = deps.retention.enforce();
  });
  return router;
}

export function createApp(deps: AppDeps): Koa & { closeReplays(): void } {
  const app = new Koa() as Koa & { closeReplays(): void };
  app.use(problemMiddleware(deps.log));
  const replays =
    deps.kafka && deps.replayDataDir
      ? replaysRouter({
          kafka: deps.kafka,
          replayDataDir: deps.replayDataDir,
          adminToken: deps.adminToken,
          tracer: deps.replayTracer,
        })
      : undefined;
  app.closeReplays = () => replays?.close();
  for (const router of [
    ...(deps.kafka ? [kafkaRouter(deps.kafka, deps.logs)] : []),
    ownershipRouter(deps.logs),
    ...(replays ? [replays] : []),
    operationsRouter(deps),
    tracesRouter(deps.traces),
    logsRouter(deps.logs),
    metricsRouter(deps.metrics),
    servicesRouter(deps.services),
    alertsRouter(deps.prometheusUrl),
    deps.stream.router,
  ]) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  app.use(serveUi(deps.uiDir));
  // A live-stream client going away ends its response early; that is not an error.
  app.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'ERR_STREAM_PREMATURE_CLOSE' || err.code === 'ECONNRESET') return;
    deps.log.warn({ err }, 'HTTP response failed');
  });
  return app;
}
