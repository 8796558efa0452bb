import { z } from 'zod';
import { Cents, CountryCode, Id, StockLine, Timestamp } from './common.js';

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
});
export type StockReserved = z.infer<typeof StockReserved>;

/** Inventory could not cover an order; nothing was reserved. */
export const StockRejected = z.object({
  orderId: Id,
  reason: z.literal('out_of_stock'),
  shortages: z
    .array(
      z.object({
        productId: Id,
        requested: z.number().int().positive(),
        available: z.number().int().nonnegative(),
      }),
    )
    .min(1),
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
});
export type StockReleased = z.infer<typeof StockReleased>;
