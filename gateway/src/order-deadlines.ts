// No order stays pending forever: once the projection is live, every second it looks for pending
// orders older than the deadline and publishes OrderTimedOut for each (once; its id derives from
// the order id, so a restart or a second gateway publishes the same event). Payment then declines
// the order with reason `timeout` unless it has decided already, and a held reservation is
// released on the usual compensation path.
import type { Logger } from '@webstore/observability/logger';
import type { Publisher } from '@webstore/producer-client';
import type { OrderProjection } from './projection.js';

const CHECK_EVERY_MS = 1_000;

export function startOrderDeadlines(options: {
  projection: OrderProjection;
  publisher: Publisher;
  deadlineMs: number;
  log: Logger;
}): () => void {
  const { projection, publisher, deadlineMs, log } = options;
  let running = false;
  const check = async () => {
    if (running || !projection.caughtUp) return;
    running = true;
    try {
      for (const order of projection.overdue(deadlineMs)) {
        await publisher.publish(
          'OrderTimedOut',
          {
            orderId: order.orderId,
            customerId: order.customerId,
            country: order.country,
            totalCents: order.totalCents,
            placedAt: order.placedAt,
            deadlineMs,
            timedOutAt: new Date().toISOString(),
          },
          { key: order.orderId, businessKey: order.orderId },
        );
        projection.timeoutRequested(order.orderId);
        log.warn(
          { orderId: order.orderId, deadlineMs },
          'order timed out: no outcome before its deadline',
        );
      }
    } catch (err) {
      log.warn({ err }, 'could not publish an order timeout; will try again');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void check(), CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
