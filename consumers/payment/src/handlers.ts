// Payment decides each order's outcome exactly once and is the only service that does. A stock
// reservation is charged (after the simulated processor latency); an order that timed out before
// payment decided it is declined with reason `timeout`. The decision is recorded in the state store
// before it is published, and its event id derives from the order id, so a redelivered or
// duplicate cause re-publishes the same outcome: nobody is ever charged twice.
import { trace } from '@opentelemetry/api';
import type { HandlerContext, Handlers, StateStore } from '@webstore/consumer-runtime';
import type { WebstoreMetrics } from '@webstore/observability/metrics';
import type { CountryCode } from '@webstore/schemas';
import { decidePayment, type PaymentDecision, type PaymentRecord } from './domain.js';

export interface PaymentOptions {
  seed: number;
  latencyMs: number;
}

interface OrderFacts {
  orderId: string;
  customerId: string;
  country: CountryCode;
  totalCents: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function paymentHandlers(
  store: StateStore,
  metrics: WebstoreMetrics,
  options: PaymentOptions,
): Handlers {
  const payments = store.table<PaymentRecord>('payments');

  /** Records `decision` unless the order was decided meanwhile; answers the recorded one. */
  function decide(
    orderId: string,
    decision: () => PaymentDecision,
  ): { record: PaymentRecord; fresh: boolean } {
    return store.transaction(() => {
      const known = payments.get(orderId);
      if (known) return { record: known, fresh: false };
      const record = { orderId, paymentId: `pay-${orderId}`, decision: decision() };
      payments.put(orderId, record, { settled: true });
      return { record, fresh: true };
    });
  }

  async function publishOutcome(ctx: HandlerContext, order: OrderFacts, record: PaymentRecord) {
    const span = trace.getActiveSpan();
    span?.setAttribute('payment.outcome', record.decision.outcome);
    const base = {
      orderId: order.orderId,
      customerId: order.customerId,
      country: order.country,
      amountCents: order.totalCents,
      currency: 'USD' as const,
    };
    if (record.decision.outcome === 'authorized') {
      await ctx.publish(
        'PaymentAuthorized',
        { ...base, paymentId: record.paymentId, authorizedAt: new Date().toISOString() },
        order.orderId,
      );
    } else {
      span?.setAttribute('payment.decline_reason', record.decision.reason);
      await ctx.publish(
        'PaymentDeclined',
        { ...base, reason: record.decision.reason, declinedAt: new Date().toISOString() },
        order.orderId,
      );
    }
  }

  function count(ctx: HandlerContext, order: OrderFacts, record: PaymentRecord, startedMs: number) {
    const reason = record.decision.outcome === 'declined' ? record.decision.reason : 'none';
    metrics.payments.add(1, {
      outcome: record.decision.outcome,
      country: order.country,
      reason,
      ...(ctx.replayId ? { replay: 'true' } : {}),
    });
    metrics.paymentDuration.record((performance.now() - startedMs) / 1000, {
      outcome: record.decision.outcome,
      country: order.country,
    });
    ctx.log.info(
      { orderId: order.orderId, outcome: record.decision.outcome, reason, country: order.country },
      `payment ${record.decision.outcome}`,
    );
  }

  return {
    async StockReserved(ctx) {
      const order = ctx.event.data;
      const started = performance.now();
      let outcome = { record: payments.get(order.orderId), fresh: false };
      if (!outcome.record) {
        // Simulated processor latency, jittered ±50 %; timing never affects the decision. Another
        // message of this order (its timeout) may decide it meanwhile: decide() then keeps that.
        if (options.latencyMs > 0) await sleep(options.latencyMs * (0.5 + Math.random()));
        outcome = decide(order.orderId, () => decidePayment(order, options.seed));
      }
      const { record, fresh } = outcome as { record: PaymentRecord; fresh: boolean };
      if (fresh) count(ctx, order, record, started);
      else
        ctx.log.info({ orderId: order.orderId }, 'payment already decided; outcome re-published');
      await publishOutcome(ctx, order, record);
    },
    async OrderTimedOut(ctx) {
      const order = ctx.event.data;
      const started = performance.now();
      const { record, fresh } = decide(order.orderId, () => ({
        outcome: 'declined',
        reason: 'timeout',
      }));
      // Decided before the timeout: that outcome stands and has been (or will be) published.
      if (!fresh) return;
      count(ctx, order, record, started);
      await publishOutcome(ctx, order, record);
    },
  };
}
