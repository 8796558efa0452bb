import { z } from 'zod';
import { Cents, CountryCode, Id, Timestamp } from './common.js';

export const DECLINE_REASONS = [
  'insufficient_funds',
  'card_declined',
  'fraud_suspected',
  'expired_card',
] as const;
/** Why a payment was declined: the processor's reasons, or no decision before the order's deadline. */
export const PAYMENT_DECLINE_REASONS = [...DECLINE_REASONS, 'timeout'] as const;
export const DeclineReason = z.enum(PAYMENT_DECLINE_REASONS);
export type DeclineReason = z.infer<typeof DeclineReason>;

/** The order was charged. */
export const PaymentAuthorized = z.object({
  orderId: Id,
  paymentId: Id,
  customerId: Id,
  country: CountryCode,
  amountCents: Cents,
  currency: z.literal('USD'),
  authorizedAt: Timestamp,
});
export type PaymentAuthorized = z.infer<typeof PaymentAuthorized>;

/** The charge was refused; inventory releases the reservation. */
export const PaymentDeclined = z.object({
  orderId: Id,
  customerId: Id,
  country: CountryCode,
  amountCents: Cents,
  currency: z.literal('USD'),
  reason: DeclineReason,
  declinedAt: Timestamp,
});
export type PaymentDeclined = z.infer<typeof PaymentDeclined>;
