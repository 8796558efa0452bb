// GET /api/orders/:id/events: the order's journey as Server-Sent Events. Each journey event has
// `id: <seq>` (its arrival number), so a reconnect with Last-Event-ID gets exactly what it missed;
// `status` is sent when the order turns completed or failed, and the stream stays open until the
// saga is over (after the compensating StockReleased of a declined order): then `complete`, and
// the stream ends.
import { PassThrough } from 'node:stream';
//
// Auth: the Authorization header, or `?ticket=` from POST /api/orders/:id/ticket (EventSource
// cannot send headers). `?token=` is still accepted here, and only here, for older clients; the
// HTTP spans and logs record neither query value.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Persona } from '@webstore/schemas';
import type { Auth } from '../auth.js';
import type { OpenStreams } from '../limits.js';
import { Problem } from '../problem.js';
import type { JourneyEvent, OrderProjection, OrderView } from '../projection.js';
import type { Tickets } from '../tickets.js';
import { visibleOrder } from './visible.js';

const KEEP_ALIVE_MS = 15_000;

interface StreamDeps {
  projection: OrderProjection;
  auth: Auth;
  tickets: Tickets;
  streams: OpenStreams;
}

function streamPersona(ctx: Context, { auth, tickets }: StreamDeps): Persona {
  const { ticket, token } = ctx.query;
  if (typeof ticket === 'string') {
    const persona = auth.personaOf(tickets.verify(ticket, ctx.params.id!));
    if (!persona) throw new Problem('unauthorized', 'the ticket names an unknown customer');
    return persona;
  }
  if (typeof token === 'string' && !ctx.get('authorization')) return auth.personaOfToken(token);
  return auth.requirePersona(ctx);
}

export function orderEventsRoute(router: Router, deps: StreamDeps): void {
  const { projection, streams } = deps;
  router.get('/api/orders/:id/events', (ctx) => {
    const { orderId } = visibleOrder(ctx, projection, streamPersona(ctx, deps));
    const stream = new PassThrough();
    // Over the cap this throws a 503 before anything is sent. On shutdown the stream is ended
    // and its connection closed (not kept alive), so the HTTP server can close.
    const release = streams.add(() => {
      cleanup();
      ctx.res.once('finish', () => ctx.req.socket.end());
      stream.end();
    });
    const resumeAfter = Number(ctx.get('last-event-id')) || 0;
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.status = 200;
    ctx.type = 'text/event-stream';
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('X-Accel-Buffering', 'no');
    ctx.body = stream;

    const sent = new Set<number>();
    const journey = (event: JourneyEvent) => {
      if (event.seq <= resumeAfter || sent.has(event.seq)) return;
      sent.add(event.seq);
      stream.write(`id: ${event.seq}\nevent: journey\ndata: ${JSON.stringify(event)}\n\n`);
    };
    const status = (order: OrderView) =>
      stream.write(`event: status\ndata: ${JSON.stringify(order)}\n\n`);
    const complete = (order: OrderView) => {
      stream.write(`event: complete\ndata: ${JSON.stringify(order)}\n\n`);
      cleanup();
      stream.end();
    };
    const keepAlive = setInterval(() => stream.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    const cleanup = () => {
      release();
      clearInterval(keepAlive);
      projection.off(`journey:${orderId}`, journey);
      projection.off(`status:${orderId}`, status);
      projection.off(`complete:${orderId}`, complete);
    };
    // Listen first, then send what is known: nothing falls between the two (dedupe by seq).
    projection.on(`journey:${orderId}`, journey);
    projection.on(`status:${orderId}`, status);
    projection.on(`complete:${orderId}`, complete);
    ctx.req.on('close', cleanup);
    const order = projection.order(orderId)!;
    for (const event of [...order.events].sort((a, b) => a.seq - b.seq)) journey(event);
    if (order.status !== 'pending') status(order);
    if (order.sagaComplete) complete(order);
  });
}
