import { z } from 'zod';

/** ISO-3166 alpha-2 codes of the countries the store sells to (the UK is `UK`, as in the reference). */
export const COUNTRY_CODES = ['US', 'UK', 'DE', 'FR', 'JP', 'BR', 'IN'] as const;
export const CountryCode = z.enum(COUNTRY_CODES);
export type CountryCode = z.infer<typeof CountryCode>;

export const Id = z.string().min(1).max(128);
export const Timestamp = z.iso.datetime({ offset: true });
/** Money is integer cents, so sums never drift. */
export const Cents = z.number().int().nonnegative();
export const Quantity = z.number().int().positive().max(100);

export const OrderLine = z.object({
  productId: Id,
  quantity: Quantity,
  unitPriceCents: Cents,
});
export type OrderLine = z.infer<typeof OrderLine>;

export const StockLine = z.object({
  productId: Id,
  quantity: Quantity,
});
export type StockLine = z.infer<typeof StockLine>;

/**
 * A product's stock as inventory holds it after a change. Inventory is the source of truth; its
 * events carry these so readers never rebuild stock from deltas. `version` grows by one with every
 * change to the product, so a reader that sees events out of order keeps the newest.
 * available + reserved + sold = initial stock + restocked.
 */
export const StockLevel = z.object({
  productId: Id,
  available: z.number().int().nonnegative(),
  reserved: z.number().int().nonnegative(),
  sold: z.number().int().nonnegative(),
  restocked: z.number().int().nonnegative(),
  version: z.number().int().nonnegative(),
});
export type StockLevel = z.infer<typeof StockLevel>;
