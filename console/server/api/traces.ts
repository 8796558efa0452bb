// GET /api/traces/:traceId (OTLP/JSON), /api/traces/:traceId/linked and the trace list.
import Router from '@koa/router';
import type { TraceQueries } from '../store/traces.js';
import { boolean, cursor, hexId, integer, msToNs, number, oneOf, param, time } from './params.js';
import { Problem } from './problem.js';

export function tracesRouter(traces: TraceQueries): Router {
  const router = new Router();
  router.get('/api/traces', (ctx) => {
    const before = cursor(ctx);
    const from = time(ctx, 'from');
    const to = time(ctx, 'to');
    ctx.body = traces.search({
      service: param(ctx, 'service'),
      name: param(ctx, 'name'),
      status: oneOf(ctx, 'status', ['error', 'ok'] as const),
      orderId: param(ctx, 'orderId'),
      country: param(ctx, 'country'),
      synthetic: boolean(ctx, 'synthetic'),
      replay: boolean(ctx, 'replay'),
      topic: param(ctx, 'topic'),
      minDurationMs: number(ctx, 'minDurationMs'),
      maxDurationMs: number(ctx, 'maxDurationMs'),
      fromNs: from === undefined ? undefined : msToNs(from),
      toNs: to === undefined ? undefined : msToNs(to),
      limit: integer(ctx, 'limit', { min: 1, max: 1000, fallback: 50 })!,
      before: before && { startNs: before.ns, traceId: before.key },
    });
  });
  router.get('/api/traces/:traceId', (ctx) => {
    const traceId = hexId(ctx.params.traceId!, 16, 'traceId');
    const body = traces.trace(traceId);
    if (body === undefined)
      throw new Problem('not-found', `no span of trace ${traceId} has been received`);
    ctx.type = 'application/json';
    ctx.body = body;
  });
  router.get('/api/traces/:traceId/linked', (ctx) => {
    const traceId = hexId(ctx.params.traceId!, 16, 'traceId');
    ctx.type = 'application/json';
    ctx.body = traces.linked(traceId);
  });
  return router;
}
