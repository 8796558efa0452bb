import { z } from 'zod';
import { Cents, CountryCode, Id, Quantity, Timestamp } from './common.js';

const Activity = {
  sessionId: Id,
  /** The persona's customer id when signed in. */
  customerId: Id.optional(),
  country: CountryCode,
  occurredAt: Timestamp,
  synthetic: z.boolean().default(false),
};

/** Funnel stage `browse_catalog`: the shopper opened the catalog or a category. */
export const CatalogBrowsed = z.object({ ...Activity, category: z.string().max(64).optional() });
export type CatalogBrowsed = z.infer<typeof CatalogBrowsed>;

/** Funnel stage `view_product`. */
export const ProductViewed = z.object({ ...Activity, productId: Id });
export type ProductViewed = z.infer<typeof ProductViewed>;

/** Funnel stage `add_to_cart`. */
export const CartItemAdded = z.object({ ...Activity, productId: Id, quantity: Quantity });
export type CartItemAdded = z.infer<typeof CartItemAdded>;

/** Funnel stage `checkout_started`. */
export const CheckoutStarted = z.object({
  ...Activity,
  itemCount: z.number().int().positive(),
  cartValueCents: Cents,
});
export type CheckoutStarted = z.infer<typeof CheckoutStarted>;
