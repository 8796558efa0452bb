// Inventory's reactions: OrderPlaced → reserve or reject; PaymentDeclined → release (compensation);
// PaymentAuthorized → reserved stock becomes sold. A redelivered event re-publishes the outcome
// already recorded (same derived event id), so downstream dedupe drops it and stock is untouched.
import type { Handlers, Journal } from '@webstore/consumer-runtime';
import type { WebstoreMetrics } from '@webstore/observability/metrics';
import {
  applyInventory,
  decideReservation,
  reservationIdOf,
  type InventoryRecord,
  type InventoryState,
} from './domain.js';

export function inventoryHandlers(
  state: InventoryState,
  journal: Journal<InventoryRecord>,
  metrics: WebstoreMetrics,
): Handlers {
  const record = (r: InventoryRecord) => {
    journal.append(r);
    applyInventory(state, r);
    for (const [product, level] of state.stock)
      metrics.stockAvailable.record(level.available, { product });
  };
  return {
    async OrderPlaced({ event, publish, log }) {
      const order = event.data;
      if (!state.reservations.has(order.orderId) && !state.rejections.has(order.orderId)) {
        const decision = decideReservation(state, order);
        record(decision);
        metrics.stockReservations.add(1, {
          outcome: decision.t === 'reserve' ? 'reserved' : 'rejected',
        });
        log.info(
          { orderId: order.orderId, outcome: decision.t },
          decision.t === 'reserve' ? 'stock reserved' : 'stock rejected',
        );
      }
      const now = new Date().toISOString();
      const reservation = state.reservations.get(order.orderId);
      if (reservation) {
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
          },
          order.orderId,
        );
      } else {
        const shortages = state.rejections.get(order.orderId)!;
        await publish(
          'StockRejected',
          { orderId: order.orderId, reason: 'out_of_stock', shortages, rejectedAt: now },
          order.orderId,
        );
      }
    },
    async PaymentDeclined({ event, publish, log }) {
      const { orderId } = event.data;
      const reservation = state.reservations.get(orderId);
      if (!reservation) return;
      if (reservation.status === 'reserved') {
        record({ t: 'release', orderId });
        metrics.stockReservations.add(1, { outcome: 'released' });
        log.info({ orderId }, 'reservation released after declined payment');
      }
      if (reservation.status === 'released') {
        await publish(
          'StockReleased',
          {
            orderId,
            reservationId: reservationIdOf(orderId),
            items: reservation.items,
            reason: 'payment_declined',
            releasedAt: new Date().toISOString(),
          },
          orderId,
        );
      }
    },
    PaymentAuthorized({ event }) {
      const reservation = state.reservations.get(event.data.orderId);
      if (reservation?.status === 'reserved') record({ t: 'sell', orderId: event.data.orderId });
    },
  };
}
