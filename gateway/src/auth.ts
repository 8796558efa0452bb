// Demo-token auth: `Authorization: Bearer <token>` (or `?token=` for EventSource, which cannot
// send headers) maps to a persona from the seed data.
import type { Context } from 'koa';
import { personaByToken, type Persona } from '@webstore/schemas';
import { Problem } from './problem.js';

export function tokenOf(ctx: Context): string | undefined {
  const header = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'))?.[1];
  const query = typeof ctx.query.token === 'string' ? ctx.query.token : undefined;
  return header ?? query;
}

/** The persona of the request, or a 401 problem. */
export function requirePersona(ctx: Context): Persona {
  const token = tokenOf(ctx);
  if (!token)
    throw new Problem('unauthorized', 'send Authorization: Bearer <token> with a demo token');
  const persona = personaByToken(token);
  if (!persona) throw new Problem('unauthorized', 'the token is not one of the demo tokens');
  return persona;
}

/** The persona if a valid token was sent, undefined if none; a wrong token is still a 401. */
export function optionalPersona(ctx: Context): Persona | undefined {
  return tokenOf(ctx) === undefined ? undefined : requirePersona(ctx);
}

export function requireAdmin(ctx: Context): Persona {
  const persona = requirePersona(ctx);
  if (persona.role !== 'admin') throw new Problem('forbidden', 'this route needs the admin token');
  return persona;
}
