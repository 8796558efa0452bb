// Payment decides each order's outcome exactly once and is the only service that does. A stock
// reservation becomes an authorization request to the simulated processor: recorded in the state
// store, answered after the processor's latency, while the consumer goes on with the next message
// of the partition (the offset may be committed meanwhile: the request is in the store, and a
// restarted payment resumes what it finds there). The answer is then recorded as the decision and
// published; an order that timed out before that is declined with reason `timeout` and the late
// answer yields to it. Event ids derive from the order id, so a redelivered or duplicate cause, or
// a resumed request, re-publishes the same outcome: nobody is ever charged twice.
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import type {
  ConsumerService,
  HandlerContext,
  Handlers,
  StateStore,
} from '@webstore/consumer-runtime';
import type { Logger } from '@webstore/observability/logger';
import type { WebstoreMetrics } from '@webstore/observability/metrics';
import type { Publisher } from '@webstore/producer-client';
import type { CountryCode, EventName, EventInput } from '@webstore/schemas';
import { decidePayment, type PaymentDecision, type PaymentRecord } from './domain.js';

export interface PaymentOptions {
  seed: number;
  latencyMs: number;
  /** Publishes an answer that arrives after its handler returned. */
  publisher: () => Publisher;
  /** Retries that publish while Kafka is unreachable (the consumer runtime's). */
  untilKafkaTakesIt: ConsumerService['untilKafkaTakesIt'];
  log: Logger;
}

interface OrderFacts {
  orderId: string;
  customerId: string;
  country: CountryCode;
  totalCents: number;
  paymentSeed?: number;
}

/** An authorization requested from the processor and not yet answered. */
interface Authorization {
  order: OrderFacts;
  /** The processor's answer (it depends only on the order: see domain.ts), given at `dueAt`. */
  answer: PaymentDecision;
  requestedAt: number;
  dueAt: number;
  causation: HandlerContext['causation'];
  /** The topic of the message that asked. */
  topic: string;
  replayId?: string;
  /** The trace context of the message that asked (W3C headers), so the answer joins its trace. */
  carrier: Record<string, string>;
}

type Send = <M extends EventName>(name: M, data: EventInput<M>) => Promise<unknown>;

const tracer = trace.getTracer('@webstore/payment');

export interface Payment {
  handlers: Handlers;
  /** Schedules the requests recorded before a restart (their answers are due, or overdue). */
  resume(): void;
  /** Stops answering: what is still waiting stays recorded for the next start. */
  stop(): Promise<void>;
  /** Requests waiting for their answer. */
  inFlight(): number;
}

export function createPayment(
  store: StateStore,
  metrics: WebstoreMetrics,
  options: PaymentOptions,
): Payment {
  const payments = store.table<PaymentRecord>('payments');
  const requests = store.table<Authorization>('authorizations');
  const timers = new Map<string, { timer: NodeJS.Timeout; dueAt: number }>();
  const answering = new Set<Promise<void>>();
  const stopping = new AbortController();

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

  async function publishOutcome(send: Send, order: OrderFacts, record: PaymentRecord) {
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
      await send('PaymentAuthorized', {
        ...base,
        paymentId: record.paymentId,
        authorizedAt: new Date().toISOString(),
      });
    } else {
      span?.setAttribute('payment.decline_reason', record.decision.reason);
      await send('PaymentDeclined', {
        ...base,
        reason: record.decision.reason,
        declinedAt: new Date().toISOString(),
      });
    }
  }

  function count(
    log: Logger,
    order: OrderFacts,
    record: PaymentRecord,
    replay: boolean,
    seconds: number,
  ) {
    const reason = record.decision.outcome === 'declined' ? record.decision.reason : 'none';
    metrics.payments.add(1, {
      outcome: record.decision.outcome,
      country: order.country,
      reason,
      ...(replay ? { replay: 'true' } : {}),
    });
    metrics.paymentDuration.record(seconds, {
      outcome: record.decision.outcome,
      country: order.country,
    });
    log.info(
      { orderId: order.orderId, outcome: record.decision.outcome, reason, country: order.country },
      `payment ${record.decision.outcome}`,
    );
  }

  /** Answers the request at `dueAt` (or earlier, if it is already scheduled earlier). */
  function schedule(orderId: string, dueAt: number) {
    const scheduled = timers.get(orderId);
    if (stopping.signal.aborted || (scheduled && scheduled.dueAt <= dueAt)) return;
    if (scheduled) clearTimeout(scheduled.timer);
    const timer = setTimeout(
      () => {
        timers.delete(orderId);
        const running = answer(orderId).finally(() => answering.delete(running));
        answering.add(running);
      },
      Math.max(0, dueAt - Date.now()),
    );
    timers.set(orderId, { timer, dueAt });
  }

  /** The processor's answer arrives: decide (unless a timeout did), publish, forget the request. */
  async function answer(orderId: string) {
    const request = requests.get(orderId);
    if (!request) return;
    const { order } = request;
    const log = request.replayId
      ? options.log.child({ replay: true, replayId: request.replayId })
      : options.log;
    const asked = propagation.extract(ROOT_CONTEXT, request.carrier);
    // The wait for the processor, in the trace of the message that asked: from the request to
    // the answer, parent of the outcome's send span.
    const span = tracer.startSpan(
      'payment authorize',
      {
        kind: SpanKind.INTERNAL,
        startTime: request.requestedAt,
        attributes: { 'order.id': orderId },
      },
      asked,
    );
    await context.with(trace.setSpan(asked, span), async () => {
      const { record, fresh } = decide(orderId, () => request.answer);
      if (fresh)
        count(
          log,
          order,
          record,
          request.replayId !== undefined,
          (Date.now() - request.requestedAt) / 1000,
        );
      else log.info({ orderId }, 'payment decided meanwhile; the recorded outcome is published');
      const send: Send = (name, data) =>
        options.publisher().publish(name, data, {
          key: orderId,
          businessKey: orderId,
          ...request.causation,
        });
      try {
        // While Kafka is unreachable this waits and retries as the consumer's own steps do.
        await options.untilKafkaTakesIt(
          request.topic,
          () => publishOutcome(send, order, record),
          stopping.signal,
        );
        requests.delete(orderId);
      } catch (err) {
        // Stopping, or a failure retrying cannot fix: the request stays recorded and the next
        // start answers it again (the same event id).
        span.recordException(err as Error);
        if (stopping.signal.aborted)
          log.info({ orderId }, 'payment stopping: the outcome is published by the next start');
        else
          log.error(
            { orderId, err },
            'payment outcome not published; the next start publishes it again',
          );
      } finally {
        span.end();
      }
    });
  }

  const handlers: Handlers = {
    async StockReserved(ctx) {
      const order = ctx.event.data;
      const decided = payments.get(order.orderId);
      if (decided) {
        ctx.log.info({ orderId: order.orderId }, 'payment already decided; outcome re-published');
        await publishOutcome(
          (name, data) => ctx.publish(name, data, order.orderId),
          order,
          decided,
        );
        return;
      }
      // Already asked (a redelivery while the answer is pending): the answer is on its way.
      if (requests.get(order.orderId)) return;
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      const now = Date.now();
      const answer = decidePayment(order, options.seed);
      // The processor's answer, on the process span (span metrics and tail sampling read it).
      const processing = trace.getActiveSpan();
      processing?.setAttribute('payment.outcome', answer.outcome);
      if (answer.outcome === 'declined')
        processing?.setAttribute('payment.decline_reason', answer.reason);
      // Simulated processor latency, jittered ±50 %; timing never affects the decision.
      const latency = options.latencyMs > 0 ? options.latencyMs * (0.5 + Math.random()) : 0;
      const request: Authorization = {
        order: {
          orderId: order.orderId,
          customerId: order.customerId,
          country: order.country,
          totalCents: order.totalCents,
          ...(order.paymentSeed !== undefined ? { paymentSeed: order.paymentSeed } : {}),
        },
        answer,
        requestedAt: now,
        dueAt: now + latency,
        causation: ctx.causation,
        topic: ctx.topic,
        ...(ctx.replayId ? { replayId: ctx.replayId } : {}),
        carrier,
      };
      requests.put(order.orderId, request);
      processing?.setAttribute('payment.latency_ms', Math.round(latency));
      schedule(order.orderId, request.dueAt);
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
      count(
        ctx.log,
        order,
        record,
        ctx.replayId !== undefined,
        (performance.now() - started) / 1000,
      );
      await publishOutcome((name, data) => ctx.publish(name, data, order.orderId), order, record);
    },
  };

  return {
    handlers,
    resume() {
      for (const [orderId, request] of requests.entries()) schedule(orderId, request.dueAt);
    },
    async stop() {
      stopping.abort(new Error('payment is stopping'));
      for (const { timer } of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...answering]);
    },
    inFlight: () => requests.count(),
  };
}
