// Stream tickets: a browser's EventSource cannot send an Authorization header, so the store first
// asks for a ticket (with its bearer token) and opens the order's event stream with `?ticket=`.
// A ticket names one order and one customer and expires within a minute; it is an HMAC over
// those three, so the gateway keeps no state for it. Leaking one in a URL leaks little: read
// access to one order's journey, briefly.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Problem } from './problem.js';

export interface Ticket {
  ticket: string;
  expiresAt: string;
}

export interface Tickets {
  issue(orderId: string, customerId: string, now?: number): Ticket;
  /** The customer id the ticket was issued to, or a 401 problem. */
  verify(ticket: string, orderId: string, now?: number): string;
}

interface Claims {
  o: string;
  c: string;
  e: number;
}

export function createTickets(secret: Buffer, ttlMs: number): Tickets {
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest();
  return {
    issue(orderId, customerId, now = Date.now()) {
      const claims: Claims = { o: orderId, c: customerId, e: now + ttlMs };
      const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return {
        ticket: `${payload}.${sign(payload).toString('base64url')}`,
        expiresAt: new Date(claims.e).toISOString(),
      };
    },
    verify(ticket, orderId, now = Date.now()) {
      const [payload, signature, extra] = ticket.split('.');
      const given = Buffer.from(signature ?? '', 'base64url');
      const expected = payload ? sign(payload) : undefined;
      if (
        extra !== undefined ||
        !expected ||
        given.length !== expected.length ||
        !timingSafeEqual(given, expected)
      )
        throw new Problem('unauthorized', 'the ticket is not one this gateway issued');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Claims;
      if (claims.o !== orderId)
        throw new Problem('unauthorized', 'the ticket was issued for another order');
      if (claims.e <= now)
        throw new Problem(
          'unauthorized',
          'the ticket has expired; ask for a new one with POST /api/orders/:id/ticket',
        );
      return claims.c;
    },
  };
}
