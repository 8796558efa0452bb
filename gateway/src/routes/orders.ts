import { createHash, randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import { trace } from '@opentelemetry/api';
import type { Context } from 'koa';
import type { WebstoreMetrics } from '@webstore/observability/metrics';
import { setRequestAttribute } from '@webstore/observability/spans';
import type { Publisher } from '@webstore/producer-client';
import { productById, type CountryCode, type Persona } from '@webstore/schemas';
import { requirePersona } from '../auth.js';
import { readJson } from '../body.js';
import { Problem } from '../problem.js';
import type { JourneyEvent, OrderProjection, OrderView } from '../projection.js';
import { isSynthetic } from '../synthetic.js';
import { validateBody } from '../validation.js';

interface OrderRequest {
  items: { productId: string; quantity: number }[];
  country: CountryCode;
  paymentSeed?: number;
}

interface Accepted {
  fingerprint: string;
  body: { orderId: string; traceId: string; status: 'pending' };
}

function visible(ctx: Context, projection: OrderProjection, persona: Persona): OrderView {
  const order = projection.orders.get(ctx.params.id!);
  // Someone else's order is reported as missing, so ids cannot be probed.
  if (!order || (order.customerId !== persona.customerId && persona.role !== 'admin')) {
    throw new Problem('not-found', `no order "${ctx.params.id}"`);
  }
  return order;
}

export function ordersRouter(
  publisher: Publisher,
  projection: OrderProjection,
  metrics: WebstoreMetrics,
): Router {
  const router = new Router();
  // Idempotency keys of this process's lifetime; after a restart a repeated key still maps to the
  // same order id (derived from customer + key) and the projection has that order.
  const accepted = new Map<string, Accepted>();

  router.post('/api/orders', async (ctx) => {
    const persona = requirePersona(ctx);
    const request = validateBody<OrderRequest>('OrderRequest', await readJson(ctx));
    request.items.forEach((line, i) => {
      if (!productById(line.productId))
        throw new Problem(
          'unknown-product',
          `no product "${line.productId}"`,
          `items[${i}].productId`,
        );
    });
    const key = ctx.get('idempotency-key');
    if (key.length > 128)
      throw new Problem(
        'validation',
        'Idempotency-Key is longer than 128 characters',
        'Idempotency-Key',
      );
    const fingerprint = JSON.stringify([
      request.items,
      request.country,
      request.paymentSeed ?? null,
    ]);
    const scopedKey = `${persona.customerId}:${key}`;
    if (key) {
      const previous = accepted.get(scopedKey);
      if (previous && previous.fingerprint !== fingerprint)
        throw new Problem(
          'idempotency-conflict',
          'this Idempotency-Key was used for a different order',
          'Idempotency-Key',
        );
      if (previous) {
        ctx.status = 202;
        ctx.body = previous.body;
        return;
      }
    }
    const orderId = key
      ? `ord-${createHash('sha256').update(scopedKey).digest('hex').slice(0, 20)}`
      : `ord-${randomUUID()}`;
    const existing = projection.orders.get(orderId);
    if (existing) {
      const sameItems =
        JSON.stringify(
          existing.items.map(({ productId, quantity }) => ({ productId, quantity })),
        ) === JSON.stringify(request.items);
      if (!sameItems || existing.country !== request.country) {
        throw new Problem(
          'idempotency-conflict',
          'this Idempotency-Key was used for a different order',
          'Idempotency-Key',
        );
      }
      ctx.status = 202;
      ctx.body = { orderId, traceId: existing.traceId, status: 'pending' };
      return;
    }
    const items = request.items.map((l) => ({
      ...l,
      unitPriceCents: productById(l.productId)!.priceCents,
    }));
    const synthetic = isSynthetic(ctx);
    // Tail sampling keeps VIP checkouts; the segment is the one this order is placed in.
    setRequestAttribute('customer.segment', projection.segmentOf(persona.customerId));
    const traceId = trace.getActiveSpan()?.spanContext().traceId ?? '';
    await publisher.publish(
      'OrderPlaced',
      {
        orderId,
        customerId: persona.customerId,
        country: request.country,
        currency: 'USD',
        items,
        totalCents: items.reduce((sum, l) => sum + l.unitPriceCents * l.quantity, 0),
        placedAt: new Date().toISOString(),
        synthetic,
        paymentSeed: request.paymentSeed,
      },
      { key: orderId },
    );
    metrics.ordersPlaced.add(1, { country: request.country, synthetic: String(synthetic) });
    const body = { orderId, traceId, status: 'pending' as const };
    if (key) accepted.set(scopedKey, { fingerprint, body });
    ctx.status = 202;
    ctx.set('Location', `/api/orders/${orderId}`);
    ctx.body = body;
  });

  router.get('/api/orders', (ctx) => {
    const persona = requirePersona(ctx);
    const all = persona.role === 'admin' && ctx.query.mine === undefined;
    const orders = [...projection.orders.values()].filter(
      (o) => all || o.customerId === persona.customerId,
    );
    ctx.body = {
      orders: orders.sort((a, b) => b.placedAt.localeCompare(a.placedAt)).slice(0, 200),
    };
  });

  router.get('/api/orders/:id', (ctx) => {
    ctx.body = visible(ctx, projection, requirePersona(ctx));
  });

  router.get('/api/orders/:id/events', (ctx) => {
    const order = visible(ctx, projection, requirePersona(ctx));
    const stream = new PassThrough();
    const send = (event: string, data: unknown) =>
      stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.status = 200;
    ctx.type = 'text/event-stream';
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('X-Accel-Buffering', 'no');
    ctx.body = stream;
    for (const event of order.events) send('journey', event);
    if (order.status !== 'pending') {
      send('status', order);
      stream.end();
      return;
    }
    const onJourney = (event: JourneyEvent) => send('journey', event);
    const onStatus = (final: OrderView) => {
      send('status', final);
      cleanup();
      stream.end();
    };
    const keepAlive = setInterval(() => stream.write(': keep-alive\n\n'), 15_000);
    const cleanup = () => {
      clearInterval(keepAlive);
      projection.off(`journey:${order.orderId}`, onJourney);
      projection.off(`status:${order.orderId}`, onStatus);
    };
    projection.on(`journey:${order.orderId}`, onJourney);
    projection.on(`status:${order.orderId}`, onStatus);
    ctx.req.on('close', cleanup);
  });
  return router;
}
