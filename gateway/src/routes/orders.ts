import { createHash, randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { trace } from '@opentelemetry/api';
import type { Context } from 'koa';
import type { WebstoreMetrics } from '@webstore/observability/metrics';
import { setRequestAttribute } from '@webstore/observability/spans';
import type { Publisher } from '@webstore/producer-client';
import { decodeEvent, productById, type CountryCode, type Persona } from '@webstore/schemas';
import type { Auth } from '../auth.js';
import { readJson } from '../body.js';
import type { Accepted, IdempotencyKeys } from '../idempotency.js';
import { rateLimit, type OpenStreams, type RateLimit } from '../limits.js';
import { Problem } from '../problem.js';
import type { OrderProjection } from '../projection.js';
import { isSynthetic } from '../synthetic.js';
import type { Tickets } from '../tickets.js';
import { validateBody } from '../validation.js';
import { orderEventsRoute } from './order-events.js';
import { visibleOrder } from './visible.js';

interface OrderRequest {
  items: { productId: string; quantity: number }[];
  country: CountryCode;
  paymentSeed?: number;
}

export interface OrdersRouterDeps {
  publisher: Publisher;
  projection: OrderProjection;
  metrics: WebstoreMetrics;
  keys: IdempotencyKeys;
  auth: Auth;
  tickets: Tickets;
  limit: RateLimit;
  streams: OpenStreams;
}

export function ordersRouter(deps: OrdersRouterDeps): Router {
  const { publisher, projection, metrics, keys, auth, tickets } = deps;
  const router = new Router();

  /** Publishes the order and records it in the projection, so it can be read the moment the 202 goes out. */
  async function place(
    ctx: Context,
    persona: Persona,
    request: OrderRequest,
    orderId: string,
  ): Promise<Accepted> {
    const existing = projection.order(orderId);
    if (existing) return { orderId, traceId: existing.traceId, status: 'pending' };
    const items = request.items.map((l) => ({
      ...l,
      unitPriceCents: productById(l.productId)!.priceCents,
    }));
    const synthetic = isSynthetic(ctx);
    // Tail sampling keeps VIP checkouts; the segment is the one this order is placed in.
    setRequestAttribute('customer.segment', projection.segmentOf(persona.customerId));
    const traceId = trace.getActiveSpan()?.spanContext().traceId ?? '';
    const published = await publisher.publish(
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
      { key: orderId, businessKey: orderId },
    );
    await projection.applyInTurn(decodeEvent(published.message), {
      topic: published.topic,
      partition: published.partition,
      offset: published.offset,
      traceparent: published.message.headers.traceparent,
    });
    metrics.ordersPlaced.add(1, { country: request.country, synthetic: String(synthetic) });
    return { orderId, traceId, status: 'pending' };
  }

  router.post('/api/orders', rateLimit('orders', deps.limit), async (ctx) => {
    const persona = auth.requirePersona(ctx);
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
    let body: Accepted;
    if (key) {
      const scopedKey = `${persona.customerId}:${key}`;
      const fingerprint = JSON.stringify([
        request.items,
        request.country,
        request.paymentSeed ?? null,
      ]);
      // The order id follows from the key, so even a retry whose first attempt's answer was lost
      // in a crash names the same order, and the same event id.
      const orderId = `ord-${createHash('sha256').update(scopedKey).digest('hex').slice(0, 20)}`;
      body = await keys.once(scopedKey, fingerprint, () => place(ctx, persona, request, orderId));
    } else {
      body = await place(ctx, persona, request, `ord-${randomUUID()}`);
    }
    ctx.status = 202;
    ctx.set('Location', `/api/orders/${body.orderId}`);
    ctx.body = body;
  });

  router.get('/api/orders', (ctx) => {
    const persona = auth.requirePersona(ctx);
    const all = persona.role === 'admin' && ctx.query.mine === undefined;
    const orders = projection.ordersOf(all ? undefined : persona.customerId, 200);
    // A customer's history holds their orders, not replays of them (the admin view shows both).
    ctx.body = { orders: all ? orders : orders.filter((o) => !o.replay) };
  });

  router.get('/api/orders/:id', (ctx) => {
    ctx.body = visibleOrder(ctx, projection, auth.requirePersona(ctx));
  });

  // A ticket for the order's event stream, which a browser opens without headers.
  router.post('/api/orders/:id/ticket', (ctx) => {
    const persona = auth.requirePersona(ctx);
    const { orderId } = visibleOrder(ctx, projection, persona);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = tickets.issue(orderId, persona.customerId);
  });

  orderEventsRoute(router, deps);
  return router;
}
