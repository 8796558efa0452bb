// Inventory's reactions: OrderPlaced → reserve or reject; PaymentDeclined → release (compensation);
// PaymentAuthorized → reserved stock becomes sold. Decisions are recorded before they are published
// and a step's event id derives from the order id, so a redelivered or duplicate cause re-publishes
// the same event, which downstream dedupe drops, and stock is untouched. A restock a change
// triggers is published from the outbox right after.
import type { HandlerContext, Handlers } from '@webstore/consumer-runtime';
import type { WebstoreMetrics } from '@webstore/observability/metrics';
import type { StockLevel } from '@webstore/schemas';
import type { InventoryState } from './state.js';

export function inventoryHandlers(state: InventoryState, metrics: WebstoreMetrics): Handlers {
  const gauge = (levels: StockLevel[]) => {
    for (const level of levels)
      metrics.stockAvailable.record(level.available, { product: level.productId });
  };
  async function publishRestocks({ publish, log }: HandlerContext) {
    for (const [key, restock] of state.pendingRestocks()) {
      await publish(
        'StockReplenished',
        {
          productId: restock.productId,
          quantity: restock.quantity,
          level: restock.level,
          replenishedAt: restock.at,
        },
        restock.productId,
        { businessKey: key },
      );
      state.restockPublished(key);
      gauge([restock.level]);
      log.info(
        {
          productId: restock.productId,
          quantity: restock.quantity,
          available: restock.level.available,
        },
        'stock replenished',
      );
    }
  }

  return {
    async OrderPlaced(ctx) {
      const { event, publish, log } = ctx;
      const order = event.data;
      const outcome = state.reserve(order);
      const now = new Date().toISOString();
      if (outcome.kind === 'reserved') {
        const { reservation } = outcome;
        if (outcome.fresh) metrics.stockReservations.add(1, { outcome: 'reserved' });
        gauge(reservation.levels);
        log.info({ orderId: order.orderId, outcome: 'reserve' }, 'stock reserved');
        await publish(
          'StockReserved',
          {
            orderId: order.orderId,
            reservationId: reservation.reservationId,
            items: reservation.items,
            customerId: order.customerId,
            country: order.country,
            totalCents: order.totalCents,
            synthetic: order.synthetic,
            paymentSeed: order.paymentSeed,
            reservedAt: now,
            levels: reservation.levels,
          },
          order.orderId,
        );
      } else {
        if (outcome.fresh) metrics.stockReservations.add(1, { outcome: 'rejected' });
        log.info(
          { orderId: order.orderId, outcome: 'reject', reason: outcome.rejection.reason },
          'stock rejected',
        );
        await publish(
          'StockRejected',
          {
            orderId: order.orderId,
            reason: outcome.rejection.reason,
            shortages: outcome.rejection.shortages,
            rejectedAt: now,
          },
          order.orderId,
        );
      }
      await publishRestocks(ctx);
    },
    async PaymentDeclined(ctx) {
      const { orderId } = ctx.event.data;
      const { reservation, fresh } = state.release(orderId);
      if (reservation?.status === 'released') {
        if (fresh) metrics.stockReservations.add(1, { outcome: 'released' });
        gauge(reservation.releasedLevels ?? []);
        ctx.log.info({ orderId }, 'reservation released after declined payment');
        await ctx.publish(
          'StockReleased',
          {
            orderId,
            reservationId: reservation.reservationId,
            items: reservation.items,
            reason: 'payment_declined',
            releasedAt: new Date().toISOString(),
            levels: reservation.releasedLevels,
          },
          orderId,
        );
      }
      await publishRestocks(ctx);
    },
    async PaymentAuthorized(ctx) {
      state.sell(ctx.event.data.orderId);
      await publishRestocks(ctx);
    },
  };
}
