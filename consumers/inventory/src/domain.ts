// Inventory's stock keeping, as pure functions over stock levels. Inventory is the source of
// truth: every change produces the new level, with a version one higher, and its events carry it.
// For every product, available + reserved + sold == initial stock + restocked (a test checks it).
import { productById, type OrderPlaced, type StockLevel, type StockLine } from '@webstore/schemas';

export interface Shortage {
  productId: string;
  requested: number;
  available: number;
}

export type ReservationPlan =
  { ok: true; items: StockLine[]; levels: StockLevel[] } | { ok: false; shortages: Shortage[] };

/** A product's level before any order: its initial stock (none for a product not in the catalog). */
export function initialLevel(productId: string): StockLevel {
  const available = productById(productId)?.initialStock ?? 0;
  return { productId, available, reserved: 0, sold: 0, restocked: 0, version: 0 };
}

/** Reserves every line of an order or none: the new levels, or what is short. */
export function planReservation(
  levelOf: (productId: string) => StockLevel,
  order: Pick<OrderPlaced, 'items'>,
): ReservationPlan {
  const wanted = new Map<string, number>();
  for (const line of order.items)
    wanted.set(line.productId, (wanted.get(line.productId) ?? 0) + line.quantity);
  const shortages: Shortage[] = [];
  const levels: StockLevel[] = [];
  for (const [productId, requested] of wanted) {
    const level = levelOf(productId);
    if (!productById(productId) || level.available < requested)
      shortages.push({ productId, requested, available: level.available });
    else
      levels.push({
        ...level,
        available: level.available - requested,
        reserved: level.reserved + requested,
        version: level.version + 1,
      });
  }
  if (shortages.length > 0) return { ok: false, shortages };
  return {
    ok: true,
    items: [...wanted].map(([productId, quantity]) => ({ productId, quantity })),
    levels,
  };
}

/** Reserved units go back to available (a declined payment) or become sold (an authorized one). */
export function settleLine(
  level: StockLevel,
  quantity: number,
  outcome: 'release' | 'sell',
): StockLevel {
  return {
    ...level,
    reserved: level.reserved - quantity,
    available: outcome === 'release' ? level.available + quantity : level.available,
    sold: outcome === 'sell' ? level.sold + quantity : level.sold,
    version: level.version + 1,
  };
}

export interface RestockPolicy {
  /** Restock when available falls below this. */
  threshold: number;
  /** Units added per restock. */
  quantity: number;
}

/** The level after a restock, when the product has fallen below the threshold. */
export function restocked(level: StockLevel, policy: RestockPolicy): StockLevel | undefined {
  if (policy.quantity <= 0 || level.available >= policy.threshold) return undefined;
  return {
    ...level,
    available: level.available + policy.quantity,
    restocked: level.restocked + policy.quantity,
    version: level.version + 1,
  };
}

/** The conservation law every level obeys. */
export function conserved(level: StockLevel): boolean {
  const initial = productById(level.productId)?.initialStock ?? 0;
  return (
    level.available >= 0 &&
    level.reserved >= 0 &&
    level.sold >= 0 &&
    level.available + level.reserved + level.sold === initial + level.restocked
  );
}

export function reservationIdOf(orderId: string): string {
  return `res-${orderId}`;
}
