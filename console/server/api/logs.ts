// GET /api/logs: log records by trace, span, service, minimum severity, event name, text and time.
import Router from '@koa/router';
import type { LogQueries } from '../store/logs.js';
import { cursor, integer, msToNs, optionalHexId, param, time } from './params.js';
import { Problem } from './problem.js';

// OTLP severity numbers: the first of each range (TRACE 1-4, DEBUG 5-8, INFO 9-12, WARN 13-16,
// ERROR 17-20, FATAL 21-24).
export const SEVERITIES: Record<string, number> = {
  trace: 1,
  debug: 5,
  info: 9,
  warn: 13,
  error: 17,
  fatal: 21,
};

/** `severity=warn` or `severity=13`. */
export function severityParam(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const named = SEVERITIES[raw.toLowerCase()];
  if (named !== undefined) return named;
  if (/^\d+$/.test(raw) && Number(raw) <= 24) return Number(raw);
  throw new Problem(
    'validation',
    `severity must be one of ${Object.keys(SEVERITIES).join(', ')} or a number 0-24, got "${raw}"`,
    'severity',
  );
}

export function logsRouter(logs: LogQueries): Router {
  const router = new Router();
  router.get('/api/logs', (ctx) => {
    const before = cursor(ctx);
    const from = time(ctx, 'from');
    const to = time(ctx, 'to');
    ctx.body = logs.search({
      traceId: optionalHexId(ctx, 'traceId', 16),
      spanId: optionalHexId(ctx, 'spanId', 8),
      service: param(ctx, 'service'),
      minSeverity: severityParam(param(ctx, 'severity')),
      q: param(ctx, 'q'),
      eventNames: param(ctx, 'event')?.split(','),
      fromNs: from === undefined ? undefined : msToNs(from),
      toNs: to === undefined ? undefined : msToNs(to),
      limit: integer(ctx, 'limit', { min: 1, max: 5000, fallback: 100 })!,
      before: before && { timeNs: before.ns, id: Number(before.key) },
    });
  });
  return router;
}
