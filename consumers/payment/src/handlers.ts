// Payment charges an order once its stock is reserved. The decision is recorded before it is
// published: a redelivered StockReserved re-publishes the recorded outcome (same derived event id),
// so an order is never charged twice.
import { trace } from '@opentelemetry/api';
import type { Handlers, Journal } from '@webstore/consumer-runtime';
import type { WebstoreMetrics } from '@webstore/observability/metrics';
import { decidePayment, type PaymentRecord } from './domain.js';

export interface PaymentOptions {
  seed: number;
  latencyMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function paymentHandlers(
  payments: Map<string, PaymentRecord>,
  journal: Journal<PaymentRecord>,
  metrics: WebstoreMetrics,
  options: PaymentOptions,
): Handlers {
  return {
    async StockReserved({ event, publish, log }) {
      const order = event.data;
      let record = payments.get(order.orderId);
      if (!record) {
        const started = performance.now();
        // Simulated processor latency, jittered ±50 %; timing never affects the decision.
        if (options.latencyMs > 0) await sleep(options.latencyMs * (0.5 + Math.random()));
        record = {
          orderId: order.orderId,
          paymentId: `pay-${order.orderId}`,
          decision: decidePayment(order, options.seed),
        };
        journal.append(record);
        payments.set(order.orderId, record);
        const reason = record.decision.outcome === 'declined' ? record.decision.reason : 'none';
        metrics.payments.add(1, {
          outcome: record.decision.outcome,
          country: order.country,
          reason,
        });
        metrics.paymentDuration.record((performance.now() - started) / 1000, {
          outcome: record.decision.outcome,
          country: order.country,
        });
        log.info(
          {
            orderId: order.orderId,
            outcome: record.decision.outcome,
            reason,
            country: order.country,
          },
          `payment ${record.decision.outcome}`,
        );
      }
      trace.getActiveSpan()?.setAttribute('payment.outcome', record.decision.outcome);
      const base = {
        orderId: order.orderId,
        customerId: order.customerId,
        country: order.country,
        amountCents: order.totalCents,
        currency: 'USD' as const,
      };
      if (record.decision.outcome === 'authorized') {
        await publish(
          'PaymentAuthorized',
          { ...base, paymentId: record.paymentId, authorizedAt: new Date().toISOString() },
          order.orderId,
        );
      } else {
        trace.getActiveSpan()?.setAttribute('payment.decline_reason', record.decision.reason);
        await publish(
          'PaymentDeclined',
          { ...base, reason: record.decision.reason, declinedAt: new Date().toISOString() },
          order.orderId,
        );
      }
    },
  };
}
