// RFC 9457 problem details, in the gateway's shape: every API error is one of these.
import type { Context, Next } from 'koa';
import type { Logger } from '@webstore/observability/logger';

export type ProblemType =
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'unprocessable'
  | 'bad-gateway'
  | 'unavailable'
  | 'internal';

const TITLES: Record<ProblemType, [number, string]> = {
  validation: [400, 'Invalid request'],
  unauthorized: [401, 'Unauthorized'],
  forbidden: [403, 'Forbidden'],
  'not-found': [404, 'Not found'],
  conflict: [409, 'Conflict'],
  unprocessable: [422, 'Unprocessable request'],
  'bad-gateway': [502, 'Bad gateway'],
  unavailable: [503, 'Service unavailable'],
  internal: [500, 'Internal error'],
};

export class Problem extends Error {
  override readonly name = 'Problem';
  readonly status: number;
  readonly title: string;

  constructor(
    readonly type: ProblemType,
    readonly detail: string,
    readonly field?: string,
    /** A more specific problem slug for the `type` URL (e.g. `group-active`), and extra members. */
    readonly more?: { slug?: string; extra?: Record<string, unknown> },
  ) {
    super(detail);
    [this.status, this.title] = TITLES[type];
  }
}

/** The first middleware: turns any error into a problem document; only unexpected ones are logged. */
export function problemMiddleware(log: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined)
        throw new Problem('not-found', `no route ${ctx.method} ${ctx.path}`);
    } catch (err) {
      const problem =
        err instanceof Problem
          ? err
          : new Problem('internal', 'the console could not complete the request');
      if (!(err instanceof Problem)) log.error({ err, path: ctx.path }, 'request failed');
      ctx.status = problem.status;
      ctx.type = 'application/problem+json';
      ctx.body = {
        type: `https://webstore.example/problems/${problem.more?.slug ?? problem.type}`,
        title: problem.title,
        status: problem.status,
        detail: problem.detail,
        ...(problem.field ? { field: problem.field } : {}),
        ...problem.more?.extra,
        instance: ctx.path,
      };
    }
  };
}
