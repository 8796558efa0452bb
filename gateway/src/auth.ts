// Bearer-token auth. Customers use the demo personas' tokens; the admin persona answers to the
// operator's ADMIN_TOKEN only (the demo admin token unless the operator sets another), so a token
// the store hands out can never reach the admin routes. Tokens are read from the Authorization
// header only: a token in a URL ends up in logs, traces and browser history. The one route a
// browser's EventSource opens (it cannot send headers) takes a short-lived ticket instead.
import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { personaByToken, personas, type Persona } from '@webstore/schemas';
import { Problem } from './problem.js';

export interface Auth {
  /** The persona of the request, or a 401 problem. */
  requirePersona(ctx: Context): Persona;
  /** The persona if a valid token was sent, undefined if none; a wrong token is still a 401. */
  optionalPersona(ctx: Context): Persona | undefined;
  /** The admin persona, or 401 (no token) / 403 (another token). */
  requireAdmin(ctx: Context): Persona;
  /** The persona of a bearer token, or a 401 problem. */
  personaOfToken(token: string): Persona;
  /** The persona of a customer id (a ticket's subject). */
  personaOf(customerId: string): Persona | undefined;
  /** The token to present to the consumers' management servers. */
  adminToken: string;
}

const ADMIN_PERSONA = personas.find((p) => p.role === 'admin')!;

export function bearerOf(ctx: Context): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'))?.[1];
}

function same(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createAuth(adminToken: string): Auth {
  const personaByBearer = (token: string): Persona | undefined => {
    if (same(token, adminToken)) return ADMIN_PERSONA;
    const persona = personaByToken(token);
    return persona?.role === 'customer' ? persona : undefined;
  };
  const personaOfToken = (token: string): Persona => {
    const persona = personaByBearer(token);
    if (!persona) throw new Problem('unauthorized', 'the token is not one of the demo tokens');
    return persona;
  };
  const requirePersona = (ctx: Context): Persona => {
    const token = bearerOf(ctx);
    if (!token)
      throw new Problem('unauthorized', 'send Authorization: Bearer <token> with a demo token');
    return personaOfToken(token);
  };
  return {
    adminToken,
    personaOfToken,
    requirePersona,
    optionalPersona: (ctx) => (bearerOf(ctx) === undefined ? undefined : requirePersona(ctx)),
    requireAdmin(ctx) {
      const persona = requirePersona(ctx);
      if (persona.role !== 'admin')
        throw new Problem('forbidden', 'this route needs the admin token');
      return persona;
    },
    personaOf: (customerId) =>
      customerId === ADMIN_PERSONA.customerId
        ? ADMIN_PERSONA
        : personas.find((p) => p.customerId === customerId),
  };
}
