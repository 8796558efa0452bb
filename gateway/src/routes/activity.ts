import Router from '@koa/router';
import type { Publisher } from '@webstore/producer-client';
import type { CountryCode } from '@webstore/schemas';
import type { Auth } from '../auth.js';
import { readJson } from '../body.js';
import { rateLimit, type RateLimit } from '../limits.js';
import { isSynthetic } from '../synthetic.js';
import { validateBody } from '../validation.js';

interface ActivityRequest {
  type: 'browse_catalog' | 'view_product' | 'add_to_cart' | 'checkout_started';
  sessionId: string;
  country: CountryCode;
  productId?: string;
  quantity?: number;
  category?: string;
  itemCount?: number;
  cartValueCents?: number;
}

/** POST /api/activity: funnel events from the store become events on webstore.activity.v1. */
export function activityRouter(publisher: Publisher, auth: Auth, limit: RateLimit): Router {
  const router = new Router();
  router.post('/api/activity', rateLimit('activity events', limit), async (ctx) => {
    const persona = auth.optionalPersona(ctx);
    const body = validateBody<ActivityRequest>('ActivityRequest', await readJson(ctx));
    const base = {
      sessionId: body.sessionId,
      customerId: persona?.customerId,
      country: body.country,
      occurredAt: new Date().toISOString(),
      synthetic: isSynthetic(ctx),
    };
    const key = body.sessionId;
    if (body.type === 'browse_catalog')
      await publisher.publish('CatalogBrowsed', { ...base, category: body.category }, { key });
    else if (body.type === 'view_product')
      await publisher.publish('ProductViewed', { ...base, productId: body.productId! }, { key });
    else if (body.type === 'add_to_cart') {
      await publisher.publish(
        'CartItemAdded',
        { ...base, productId: body.productId!, quantity: body.quantity! },
        { key },
      );
    } else {
      await publisher.publish(
        'CheckoutStarted',
        { ...base, itemCount: body.itemCount!, cartValueCents: body.cartValueCents! },
        { key },
      );
    }
    ctx.status = 202;
    ctx.body = { accepted: true };
  });
  return router;
}
