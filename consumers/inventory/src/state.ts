// Inventory's tables in the service's state store, and the transactions that change them. Each
// function runs synchronously inside one store transaction, so a decision, the stock it moves and
// any restock it triggers are recorded together before anything is published.
import type { StateStore } from '@webstore/consumer-runtime';
import type { OrderPlaced, StockLevel, StockLine } from '@webstore/schemas';
import {
  initialLevel,
  planReservation,
  reservationIdOf,
  restocked,
  settleLine,
  type RestockPolicy,
  type Shortage,
} from './domain.js';

export interface Reservation {
  reservationId: string;
  items: StockLine[];
  status: 'reserved' | 'sold' | 'released';
  /** Levels right after reserving, and after releasing: what the events carry. */
  levels: StockLevel[];
  releasedLevels?: StockLevel[];
}

export interface Rejection {
  reason: 'out_of_stock' | 'cancelled';
  shortages: Shortage[];
}

/** A restock waiting to be published (an outbox row, so a crash cannot lose it). */
export interface PendingRestock {
  productId: string;
  quantity: number;
  level: StockLevel;
  at: string;
}

/** `fresh` when this call decided; false when it found the decision recorded before. */
export type ReservationOutcome =
  | { kind: 'reserved'; reservation: Reservation; fresh: boolean }
  | { kind: 'rejected'; rejection: Rejection; fresh: boolean };

export function inventoryState(store: StateStore, policy: RestockPolicy) {
  const stock = store.table<StockLevel>('stock');
  const reservations = store.table<Reservation>('reservations');
  const rejections = store.table<Rejection>('rejections');
  const cancelled = store.table<{ at: string }>('cancelled');
  const outbox = store.table<PendingRestock>('restock_outbox');

  const levelOf = (productId: string) => stock.get(productId) ?? initialLevel(productId);
  const save = (level: StockLevel) => {
    stock.put(level.productId, level);
    const more = restocked(level, policy);
    if (!more) return level;
    stock.put(more.productId, more);
    outbox.put(`${more.productId}#${more.restocked}`, {
      productId: more.productId,
      quantity: policy.quantity,
      level: more,
      at: new Date().toISOString(),
    });
    return more;
  };

  return {
    levelOf,
    levels: () => stock.entries().map(([, level]) => level),

    /** Decides an order once: a redelivered or duplicate OrderPlaced gets the recorded outcome. */
    reserve(order: Pick<OrderPlaced, 'orderId' | 'items'>): ReservationOutcome {
      return store.transaction(() => {
        const reservation = reservations.get(order.orderId);
        if (reservation) return { kind: 'reserved', reservation, fresh: false };
        const known = rejections.get(order.orderId);
        if (known) return { kind: 'rejected', rejection: known, fresh: false };
        if (cancelled.get(order.orderId)) {
          const rejection: Rejection = { reason: 'cancelled', shortages: [] };
          rejections.put(order.orderId, rejection, { settled: true });
          return { kind: 'rejected', rejection, fresh: true };
        }
        const plan = planReservation(levelOf, order);
        if (!plan.ok) {
          const rejection: Rejection = { reason: 'out_of_stock', shortages: plan.shortages };
          rejections.put(order.orderId, rejection, { settled: true });
          return { kind: 'rejected', rejection, fresh: true };
        }
        for (const level of plan.levels) save(level);
        const created: Reservation = {
          reservationId: reservationIdOf(order.orderId),
          items: plan.items,
          status: 'reserved',
          levels: plan.levels,
        };
        reservations.put(order.orderId, created);
        return { kind: 'reserved', reservation: created, fresh: true };
      });
    },

    /**
     * A declined payment releases the reservation (once). Declined before inventory saw the order
     * (it timed out upstream), the order is marked so it is never reserved.
     */
    release(orderId: string): { reservation?: Reservation; fresh: boolean } {
      return store.transaction(() => {
        const reservation = reservations.get(orderId);
        if (!reservation) {
          if (!rejections.get(orderId))
            cancelled.put(orderId, { at: new Date().toISOString() }, { settled: true });
          return { fresh: false };
        }
        if (reservation.status !== 'reserved') return { reservation, fresh: false };
        const releasedLevels = reservation.items.map((line) =>
          save(settleLine(levelOf(line.productId), line.quantity, 'release')),
        );
        const released: Reservation = { ...reservation, status: 'released', releasedLevels };
        reservations.put(orderId, released, { settled: true });
        return { reservation: released, fresh: true };
      });
    },

    /** An authorized payment turns the reservation into sold stock (once). */
    sell(orderId: string): void {
      store.transaction(() => {
        const reservation = reservations.get(orderId);
        if (reservation?.status !== 'reserved') return;
        for (const line of reservation.items)
          save(settleLine(levelOf(line.productId), line.quantity, 'sell'));
        reservations.put(orderId, { ...reservation, status: 'sold' }, { settled: true });
      });
    },

    pendingRestocks: () => outbox.entries(),
    restockPublished: (key: string) => outbox.delete(key),

    evict(cutoffMs: number): void {
      for (const table of [reservations, rejections, cancelled]) table.evictSettledBefore(cutoffMs);
    },
  };
}

export type InventoryState = ReturnType<typeof inventoryState>;
