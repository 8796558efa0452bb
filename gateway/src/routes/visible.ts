import type { Context } from 'koa';
import type { Persona } from '@webstore/schemas';
import { Problem } from '../problem.js';
import type { OrderProjection, OrderView } from '../projection.js';

/** The order if this persona may see it; someone else's is reported as missing, so ids cannot be probed. */
export function visibleOrder(
  ctx: Context,
  projection: OrderProjection,
  persona: Persona,
): OrderView {
  const order = projection.order(ctx.params.id!);
  if (!order || (order.customerId !== persona.customerId && persona.role !== 'admin')) {
    throw new Problem('not-found', `no order "${ctx.params.id}"`);
  }
  return order;
}
