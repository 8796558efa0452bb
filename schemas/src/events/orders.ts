import { z } from 'zod';
import { Cents, CountryCode, Id, OrderLine, Timestamp } from './common.js';

/** A shopper's checkout, accepted by the gateway. Starts every order's journey. */
export const OrderPlaced = z.object({
  orderId: Id,
  customerId: Id,
  country: CountryCode,
  currency: z.literal('USD'),
  items: z.array(OrderLine).min(1).max(50),
  totalCents: Cents,
  placedAt: Timestamp,
  /** Marks generated traffic so dashboards and SLOs can exclude it. */
  synthetic: z.boolean().default(false),
  /** Set by tests and scenarios to make the payment outcome reproducible. */
  paymentSeed: z.number().int().optional(),
});
export type OrderPlaced = z.infer<typeof OrderPlaced>;

/**
 * The gateway saw no outcome for an order within its deadline. Payment, the only service that
 * decides an outcome, declines the order with reason `timeout` unless it has decided already, and
 * the decline then releases any reservation on the usual compensation path.
 */
export const OrderTimedOut = z.object({
  orderId: Id,
  customerId: Id,
  country: CountryCode,
  totalCents: Cents,
  placedAt: Timestamp,
  deadlineMs: z.number().int().positive(),
  timedOutAt: Timestamp,
});
export type OrderTimedOut = z.infer<typeof OrderTimedOut>;
