// GET /api/metrics (catalog) and GET /api/metrics/query (range queries for the dashboards).
import Router from '@koa/router';
import { FUNCTIONS, QueryError, type MetricEngine, type MetricQuery } from '../metrics/engine.js';
import { duration, oneOf, param, time } from './params.js';
import { Problem } from './problem.js';

const MAX_POINTS = 11_000;

/** `where=country:BR|US,synthetic:!true` → label matchers. */
export function parseWhere(raw: string | undefined): MetricQuery['where'] {
  if (raw === undefined) return [];
  return raw.split(',').map((part) => {
    const match = /^([A-Za-z_][\w.]*):(!?)(.*)$/.exec(part.trim());
    if (!match)
      throw new Problem(
        'validation',
        `where must be label:value[,label:value…], got "${part}"`,
        'where',
      );
    return { label: match[1]!, negate: match[2] === '!', values: match[3]!.split('|') };
  });
}

export function metricsRouter(engine: MetricEngine): Router {
  const router = new Router();
  router.get('/api/metrics', (ctx) => {
    ctx.body = { metrics: engine.list() };
  });
  router.get('/api/metrics/query', (ctx) => {
    const name = param(ctx, 'name');
    if (!name)
      throw new Problem('validation', 'name is required (a metric name from /api/metrics)', 'name');
    const now = Date.now();
    const toMs = time(ctx, 'to', now) ?? now;
    const fromMs = time(ctx, 'from', now) ?? toMs - 3_600_000;
    if (fromMs >= toMs) throw new Problem('validation', 'from must be before to', 'from');
    const stepMs = duration(ctx, 'step') ?? Math.max(10_000, Math.ceil((toMs - fromMs) / 120));
    if ((toMs - fromMs) / stepMs > MAX_POINTS)
      throw new Problem('validation', `step is too small: more than ${MAX_POINTS} points`, 'step');
    const by = (param(ctx, 'by') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    try {
      ctx.body = engine.query({
        name,
        fromMs,
        toMs,
        stepMs,
        by,
        where: parseWhere(param(ctx, 'where')),
        fn: oneOf(ctx, 'fn', FUNCTIONS),
      });
    } catch (err) {
      if (err instanceof QueryError) throw new Problem('validation', err.message, err.field);
      throw err;
    }
  });
  return router;
}
