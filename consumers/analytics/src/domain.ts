// Analytics keeps each customer's purchase history; the segment definitions themselves live in
// @webstore/schemas so the gateway derives the same segment when it tags a checkout.
import { withPurchase, type CustomerHistory } from '@webstore/schemas';

/** Journal record: one completed purchase. */
export interface PurchaseRecord {
  customerId: string;
  amountCents: number;
  at: number;
}

export function applyPurchase(
  histories: Map<string, CustomerHistory>,
  record: PurchaseRecord,
): void {
  histories.set(record.customerId, withPurchase(histories.get(record.customerId), record));
}
