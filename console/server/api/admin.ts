// Reading needs no token locally; anything that changes state needs the admin token. One
// middleware, put in front of every state-changing route.
import { timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import { Problem } from './problem.js';

/** 401 without a bearer token, 403 with a token that is not the admin token. */
export function requireAdmin(adminToken: string) {
  const expected = Buffer.from(adminToken);
  return async (ctx: Context, next: Next): Promise<void> => {
    const token = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'))?.[1];
    if (!token)
      throw new Problem(
        'unauthorized',
        'this route changes state: send Authorization: Bearer <admin token>',
      );
    const given = Buffer.from(token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new Problem('forbidden', 'this route needs the admin token');
    await next();
  };
}
