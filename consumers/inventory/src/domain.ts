// Inventory's stock keeping, as pure state transitions. For every product,
// available + reserved + sold == initial stock, whatever the order of events (a test checks it).
import { products, type OrderPlaced, type StockLine } from '@webstore/schemas';

export interface StockLevel {
  available: number;
  reserved: number;
  sold: number;
}

export interface Reservation {
  reservationId: string;
  items: StockLine[];
  status: 'reserved' | 'sold' | 'released';
}

export interface InventoryState {
  stock: Map<string, StockLevel>;
  reservations: Map<string, Reservation>;
  rejections: Map<string, Shortage[]>;
}

export interface Shortage {
  productId: string;
  requested: number;
  available: number;
}

/** Journal records: replaying them rebuilds the state. */
export type InventoryRecord =
  | { t: 'reserve'; orderId: string; items: StockLine[] }
  | { t: 'reject'; orderId: string; shortages: Shortage[] }
  | { t: 'release'; orderId: string }
  | { t: 'sell'; orderId: string };

export function initialInventory(): InventoryState {
  return {
    stock: new Map(
      products.map((p) => [p.id, { available: p.initialStock, reserved: 0, sold: 0 }]),
    ),
    reservations: new Map(),
    rejections: new Map(),
  };
}

/** Decides a reservation for an order: all lines or nothing. Does not change the state. */
export function decideReservation(
  state: InventoryState,
  order: Pick<OrderPlaced, 'orderId' | 'items'>,
): InventoryRecord {
  const wanted = new Map<string, number>();
  for (const line of order.items)
    wanted.set(line.productId, (wanted.get(line.productId) ?? 0) + line.quantity);
  const shortages: Shortage[] = [];
  for (const [productId, requested] of wanted) {
    const available = state.stock.get(productId)?.available ?? 0;
    if (available < requested) shortages.push({ productId, requested, available });
  }
  if (shortages.length > 0) return { t: 'reject', orderId: order.orderId, shortages };
  return {
    t: 'reserve',
    orderId: order.orderId,
    items: [...wanted].map(([productId, quantity]) => ({ productId, quantity })),
  };
}

/** Applies a record; records that do not apply (a second release, say) change nothing. */
export function applyInventory(state: InventoryState, record: InventoryRecord): void {
  const reservation = state.reservations.get(record.orderId);
  switch (record.t) {
    case 'reserve':
      if (reservation || state.rejections.has(record.orderId)) return;
      for (const { productId, quantity } of record.items) {
        const level = state.stock.get(productId)!;
        level.available -= quantity;
        level.reserved += quantity;
      }
      state.reservations.set(record.orderId, {
        reservationId: reservationIdOf(record.orderId),
        items: record.items,
        status: 'reserved',
      });
      return;
    case 'reject':
      if (!reservation) state.rejections.set(record.orderId, record.shortages);
      return;
    case 'release':
    case 'sell':
      if (reservation?.status !== 'reserved') return;
      for (const { productId, quantity } of reservation.items) {
        const level = state.stock.get(productId)!;
        level.reserved -= quantity;
        if (record.t === 'release') level.available += quantity;
        else level.sold += quantity;
      }
      reservation.status = record.t === 'release' ? 'released' : 'sold';
  }
}

export function reservationIdOf(orderId: string): string {
  return `res-${orderId}`;
}
