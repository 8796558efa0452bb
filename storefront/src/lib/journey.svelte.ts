// An order's journey as it streams in over SSE: events in the order they happened, then the outcome.
import type { JourneyEvent, Order } from './api.js';

export const REASONS: Record<string, string> = {
  out_of_stock: 'Out of stock',
  insufficient_funds: 'Payment declined: insufficient funds',
  card_declined: 'Payment declined: card declined',
  fraud_suspected: 'Payment declined: suspected fraud',
  expired_card: 'Payment declined: expired card',
  timeout: 'Timed out: no payment decision before the order’s deadline',
  cancelled: 'Cancelled before stock was reserved',
};

/** The events that decide an order's outcome; the service that published one decided it. */
const DECISIONS = new Set(['PaymentAuthorized', 'PaymentDeclined', 'StockRejected']);

export function createJourney() {
  let events = $state<JourneyEvent[]>([]);
  let outcome = $state<Order | undefined>();
  let complete = $state(false);
  return {
    get events() {
      return events;
    },
    get outcome() {
      return outcome;
    },
    get status(): 'pending' | 'completed' | 'failed' {
      return outcome?.status ?? 'pending';
    },
    /** A journey event; a repeat (after an SSE reconnect) is ignored, order is by time. */
    add(event: JourneyEvent) {
      if (
        events.some(
          (e) =>
            e.topic === event.topic && e.partition === event.partition && e.offset === event.offset,
        )
      )
        return;
      events = [...events, event].sort((a, b) => a.at.localeCompare(b.at));
    },
    finish(order: Order) {
      outcome = order;
      for (const e of order.events) this.add(e);
    },
    /** The service that published the deciding event, once decided. */
    get decidedBy(): string | undefined {
      if (!outcome) return undefined;
      return events.find((e) => DECISIONS.has(e.type))?.service;
    },
    /** True once no further event of the saga is expected (after any compensation). */
    get complete() {
      return complete;
    },
    /** The saga's last event has arrived (the stream's `complete`). */
    end(order: Order) {
      this.finish(order);
      complete = true;
    },
    get explanation(): string | undefined {
      if (outcome?.status !== 'failed') return undefined;
      const reason = REASONS[outcome.reason ?? ''] ?? 'The order failed';
      return outcome.reason === 'out_of_stock' && outcome.detail
        ? `${reason}: ${outcome.detail}`
        : reason;
    },
  };
}

export type Journey = ReturnType<typeof createJourney>;
