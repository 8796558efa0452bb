import Router from '@koa/router';
import { CATEGORIES, countries, personas, products, type Category } from '@webstore/schemas';
import type { OrderProjection } from '../projection.js';
import { Problem } from '../problem.js';

export function catalogRouter(projection: OrderProjection, demoMode: boolean): Router {
  const router = new Router();
  const withStock = (p: (typeof products)[number]) => ({
    id: p.id,
    name: p.name,
    category: p.category,
    description: p.description,
    priceCents: p.priceCents,
    stock: projection.stockOf(p.id),
  });

  router.get('/api/products', (ctx) => {
    const category = typeof ctx.query.category === 'string' ? ctx.query.category : undefined;
    if (category && !CATEGORIES.includes(category as Category)) {
      throw new Problem(
        'validation',
        `category must be one of ${CATEGORIES.join(', ')}`,
        'category',
      );
    }
    const q = typeof ctx.query.q === 'string' ? ctx.query.q.trim().toLowerCase() : '';
    const found = products.filter(
      (p) =>
        (!category || p.category === category) &&
        (!q || `${p.name} ${p.description}`.toLowerCase().includes(q)),
    );
    ctx.body = { products: found.map(withStock) };
  });

  router.get('/api/products/:id', (ctx) => {
    const product = products.find((p) => p.id === ctx.params.id);
    if (!product) throw new Problem('not-found', `no product "${ctx.params.id}"`);
    ctx.body = withStock(product);
  });

  // The store's persona picker: a demo-mode feature that hands out the demo customers' tokens to
  // anyone who asks. Never the admin's: admin routes take the operator's ADMIN_TOKEN.
  router.get('/api/personas', (ctx) => {
    if (!demoMode)
      throw new Problem(
        'not-found',
        'the persona picker is a demo-mode feature (DEMO_MODE is off)',
      );
    ctx.body = {
      personas: personas
        .filter((p) => p.role === 'customer')
        .map(({ name, token, customerId, role, defaultCountry }) => ({
          name,
          token,
          customerId,
          role,
          defaultCountry,
        })),
    };
  });

  router.get('/api/countries', (ctx) => {
    ctx.body = { countries: countries.map(({ code, name }) => ({ code, name })) };
  });
  return router;
}
