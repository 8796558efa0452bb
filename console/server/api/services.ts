// GET /api/services and GET /api/service-map.
import Router from '@koa/router';
import type { ServiceQueries } from '../store/services.js';
import { msToNs, time } from './params.js';
import { Problem } from './problem.js';

export function servicesRouter(services: ServiceQueries): Router {
  const router = new Router();
  router.get('/api/services', (ctx) => {
    ctx.body = { services: services.services() };
  });
  router.get('/api/service-map', (ctx) => {
    const now = Date.now();
    const to = time(ctx, 'to', now) ?? now;
    const from = time(ctx, 'from', now) ?? to - 15 * 60_000;
    if (from >= to) throw new Problem('validation', 'from must be before to', 'from');
    ctx.body = {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      ...services.map(msToNs(from), msToNs(to)),
    };
  });
  return router;
}
