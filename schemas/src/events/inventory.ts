import { z } from 'zod';
import { Cents, CountryCode, Id, StockLevel, StockLine, Timestamp } from './common.js';

/**
 * Inventory set stock aside for an order. It carries what payment needs from the order (event-carried
 * state), so payment never waits on another topic.
 */
export const StockReserved = z.object({
  orderId: Id,
  reservationId: Id,
  items: z.array(StockLine).min(1),
  customerId: Id,
  country: CountryCode,
  totalCents: Cents,
  synthetic: z.boolean().default(false),
  paymentSeed: z.number().int().optional(),
  reservedAt: Timestamp,
  /** Each reserved product's stock after the reservation. */
  levels: z.array(StockLevel).optional(),
});
export type StockReserved = z.infer<typeof StockReserved>;

/**
 * Inventory did not reserve stock for an order: it could not cover it (`out_of_stock`, with the
 * shortages), or the order's payment had already been declined — it timed out before inventory
 * reached it (`cancelled`).
 */
export const StockRejected = z.object({
  orderId: Id,
  reason: z.enum(['out_of_stock', 'cancelled']),
  shortages: z
    .array(
      z.object({
        productId: Id,
        requested: z.number().int().positive(),
        available: z.number().int().nonnegative(),
      }),
    )
    .default([]),
  rejectedAt: Timestamp,
});
export type StockRejected = z.infer<typeof StockRejected>;

/** Compensation: a reservation returned to stock because the payment was declined. */
export const StockReleased = z.object({
  orderId: Id,
  reservationId: Id,
  items: z.array(StockLine).min(1),
  reason: z.literal('payment_declined'),
  releasedAt: Timestamp,
  /** Each released product's stock after the release. */
  levels: z.array(StockLevel).optional(),
});
export type StockReleased = z.infer<typeof StockReleased>;

/**
 * Inventory restocked a product that fell below its threshold (keyed by product id). Carries the
 * level after the restock.
 */
export const StockReplenished = z.object({
  productId: Id,
  quantity: z.number().int().positive(),
  level: StockLevel,
  replenishedAt: Timestamp,
});
export type StockReplenished = z.infer<typeof StockReplenished>;
