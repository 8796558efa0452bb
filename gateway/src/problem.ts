// RFC 9457 problem details: every error the API returns is one of these.
import { STATUS_CODES } from 'node:http';
import type { Context, Next } from 'koa';
import type { Logger } from '@webstore/observability/logger';
import { PublishError } from '@webstore/producer-client';

export type ProblemType =
  | 'validation'
  | 'malformed-json'
  | 'unsupported-media-type'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'unknown-product'
  | 'idempotency-conflict'
  | 'too-large'
  | 'rate-limited'
  | 'unavailable'
  | 'internal'
  /** An HttpError of Koa or its helpers (e.g. a request aborted while its body was read). */
  | `http-${number}`;

const TITLES: Record<Exclude<ProblemType, `http-${number}`>, [number, string]> = {
  validation: [400, 'Invalid request'],
  'malformed-json': [400, 'Malformed JSON'],
  'unsupported-media-type': [415, 'Unsupported media type'],
  unauthorized: [401, 'Unauthorized'],
  forbidden: [403, 'Forbidden'],
  'not-found': [404, 'Not found'],
  'unknown-product': [422, 'Unknown product'],
  'idempotency-conflict': [409, 'Idempotency key reused with a different request'],
  'too-large': [413, 'Request body too large'],
  'rate-limited': [429, 'Too many requests'],
  unavailable: [503, 'Service unavailable'],
  internal: [500, 'Internal error'],
};

export class Problem extends Error {
  override readonly name = 'Problem';
  readonly status: number;
  readonly title: string;

  /** Sent as `Retry-After` (seconds): the condition is expected to pass by itself. */
  retryAfterSeconds?: number;

  constructor(
    readonly type: ProblemType,
    readonly detail: string,
    readonly field?: string,
  ) {
    super(detail);
    const http = /^http-(\d{3})$/.exec(type);
    [this.status, this.title] = http
      ? [Number(http[1]), STATUS_CODES[Number(http[1])] ?? 'Error']
      : TITLES[type as keyof typeof TITLES];
  }
}

/** Koa's `ctx.throw` and the http-errors its helpers throw: they carry their own status. */
function httpErrorOf(err: unknown): Problem | undefined {
  if (!(err instanceof Error)) return undefined;
  const { status, expose } = err as Error & { status?: unknown; expose?: unknown };
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599)
    return undefined;
  const detail = expose === true ? err.message : (STATUS_CODES[status] ?? 'error');
  return new Problem(`http-${status}`, detail);
}

/**
 * A publish Kafka did not acknowledge is a 503 the client may retry: nothing was accepted. When a
 * request might have reached the broker anyway (`written: 'unknown'`), a retry with the same
 * Idempotency-Key is answered with the same order id, so the order cannot be placed twice.
 */
function unavailable(err: PublishError, retryAfterSeconds: number): Problem {
  const detail =
    err.written === 'no'
      ? 'Kafka is unreachable, so the request was not accepted and nothing was written; retry later'
      : 'Kafka did not acknowledge the event in time, so the request was not accepted; retry later (with the same Idempotency-Key for an order)';
  const problem = new Problem('unavailable', detail);
  problem.retryAfterSeconds = retryAfterSeconds;
  return problem;
}

/** The first middleware: turns any error into a problem document; only unexpected ones are logged. */
export function problemMiddleware(log: Logger, retryAfterSeconds = 2) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined)
        throw new Problem('not-found', `no route ${ctx.method} ${ctx.path}`);
    } catch (err) {
      const outage = err instanceof PublishError && err.retriable;
      const httpError = err instanceof Problem ? undefined : httpErrorOf(err);
      const problem =
        err instanceof Problem
          ? err
          : outage
            ? unavailable(err, retryAfterSeconds)
            : (httpError ?? new Problem('internal', 'the gateway could not complete the request'));
      // An outage is logged once by the Kafka health probe, not once per refused request.
      if (outage && err.written === 'unknown')
        log.warn({ err, path: ctx.path }, 'publish not acknowledged; answered 503');
      else if (!(err instanceof Problem) && !outage && problem.status >= 500)
        log.error({ err, path: ctx.path }, 'request failed');
      ctx.status = problem.status;
      if (problem.retryAfterSeconds !== undefined)
        ctx.set('Retry-After', String(problem.retryAfterSeconds));
      ctx.type = 'application/problem+json';
      ctx.body = {
        type: `https://webstore.example/problems/${problem.type}`,
        title: problem.title,
        status: problem.status,
        detail: problem.detail,
        ...(problem.field ? { field: problem.field } : {}),
        instance: ctx.path,
      };
    }
  };
}
