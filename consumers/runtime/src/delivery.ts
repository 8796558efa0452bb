// How one message is seen through: the member is kept alive while it is worked on, failures are
// retried by kind (errors.ts), and only a message that can never succeed is given up on.
//
// - Keep-alive: kafkajs heartbeats only between messages, so a handler or a fault delay longer
//   than the session timeout got the member expelled, the uncommitted message redelivered after
//   the rejoin, and the same wait started again: a rebalance loop. While a message is in progress
//   the payload's heartbeat() is called every heartbeat interval; if the coordinator answers that
//   the member has lost its place (a rebalance, an unknown member), the waits below end with that
//   kafkajs error so kafkajs rejoins, and the message (never resolved) is delivered again.
// - Infrastructure failures pause the partition and retry the same step, with capped backoff,
//   until Kafka takes it: logged once per outage, counted in
//   webstore_consumer_infrastructure_retries_total, the offset never committed past it.
// - A handler's transient error gets a few attempts; what is left is for the dead-letter topic.
import type { EachMessagePayload } from 'kafkajs';
import type { Logger } from '@webstore/observability/logger';
import type { WebstoreMetrics } from '@webstore/observability/metrics';
import { backoffMs, classifyFailure } from './errors.js';

export interface MessageScope {
  readonly topic: string;
  readonly partition: number;
  /** Aborted when the service stops or the member loses its place in the group. */
  readonly signal: AbortSignal;
  /** Pauses this partition until the message is done (kafkajs fetches none of it meanwhile). */
  pause(): void;
}

export interface DeliveryOptions {
  groupId: string;
  log: Logger;
  metrics: WebstoreMetrics;
  heartbeatIntervalMs: number;
  /** Attempts for a handler's transient error before it is dead-lettered (default 5). */
  maxAttempts?: number;
  /** First backoff step (default 100 ms); infrastructure retries grow to `maxBackoffMs`. */
  baseMs?: number;
  maxBackoffMs?: number;
}

/** Ends waits when the service is stopping. */
export class ConsumerStoppingError extends Error {
  override readonly name = 'ConsumerStoppingError';
}

// kafkajs's own verdict that this member is no longer part of the current generation.
const MEMBERSHIP_LOST = new Set([
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'FENCED_INSTANCE_ID',
]);

export function createDelivery(options: DeliveryOptions) {
  const { groupId, log, metrics } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const baseMs = options.baseMs ?? 100;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  const stopping = new AbortController();
  // Partitions currently waiting for Kafka; the outage is over when none is left.
  const failing = new Set<string>();
  let outageStarted = 0;
  let outageRetries = 0;

  /** Resolves after `ms`, or rejects as soon as the scope is aborted. */
  function wait(ms: number, scope: MessageScope): Promise<void> {
    return new Promise((resolve, reject) => {
      if (scope.signal.aborted) return reject(scope.signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(scope.signal.reason);
      };
      const timer = setTimeout(() => {
        scope.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      scope.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  function outageBegins(scope: MessageScope, key: string, err: unknown): void {
    if (failing.size === 0 && outageStarted === 0) {
      outageStarted = Date.now();
      outageRetries = 0;
      log.warn(
        { group: groupId, topic: scope.topic, partition: scope.partition, err },
        'Kafka unreachable: pausing the partition and retrying until it succeeds',
      );
    }
    failing.add(key);
    outageRetries += 1;
    metrics.consumerInfrastructureRetries.add(1, {
      topic: scope.topic,
      group: groupId,
      error: (err as Error)?.name ?? 'Error',
    });
  }

  function outageEnds(key: string): void {
    failing.delete(key);
    if (failing.size > 0 || outageStarted === 0) return;
    log.info(
      { group: groupId, outageMs: Date.now() - outageStarted, retries: outageRetries },
      'Kafka reachable again: paused partitions resumed',
    );
    outageStarted = 0;
  }

  /** Runs `step` until it succeeds, retrying infrastructure failures; other errors are thrown. */
  async function untilKafkaTakesIt<T>(
    scope: MessageScope,
    step: () => Promise<T>,
    key = `${scope.topic}/${scope.partition}`,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const value = await step();
        if (attempt > 1) outageEnds(key);
        return value;
      } catch (err) {
        if (scope.signal.aborted || classifyFailure(err) !== 'infrastructure') {
          if (attempt > 1) failing.delete(key);
          throw err;
        }
        scope.pause();
        outageBegins(scope, key, err);
        await wait(backoffMs(attempt, Math.max(baseMs, 200), maxBackoffMs), scope);
      }
    }
  }

  let laterSteps = 0;
  /**
   * Runs a step that belongs to no message in progress (work a handler left to finish after it
   * returned, such as an answer published later) until Kafka takes it, with the same backoff and
   * the same outage accounting as a message step: one outage, logged once, however many steps
   * wait in it. `topic` is the topic of the message that caused the work. Rejects with the
   * signal's reason when `signal` aborts or the service stops, and with any error that is not
   * Kafka being unreachable.
   */
  function untilKafkaTakesItLater<T>(
    topic: string,
    step: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    // Combined only when first read (after a failure): a step Kafka takes at once, the usual
    // case, allocates no signal.
    let combined: AbortSignal | undefined;
    const scope: MessageScope = {
      topic,
      partition: -1,
      get signal() {
        return (combined ??= signal ? AbortSignal.any([stopping.signal, signal]) : stopping.signal);
      },
      pause: () => undefined,
    };
    laterSteps += 1;
    return untilKafkaTakesIt(scope, step, `later/${laterSteps}`).catch((err: unknown) => {
      throw scope.signal.aborted ? scope.signal.reason : err;
    });
  }

  /**
   * Runs a handler until it succeeds (resolves undefined) or fails in a way retrying cannot fix
   * (resolves with the error to dead-letter). Throws only when the scope was aborted.
   */
  async function runHandler(
    scope: MessageScope,
    handler: () => Promise<void>,
    onTransient: (err: unknown, attempt: number) => void,
  ): Promise<Error | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        await untilKafkaTakesIt(scope, handler);
        return undefined;
      } catch (err) {
        if (scope.signal.aborted) throw scope.signal.reason;
        if (classifyFailure(err) !== 'transient' || attempt >= maxAttempts) return err as Error;
        onTransient(err, attempt);
        await wait(backoffMs(attempt, baseMs, maxBackoffMs), scope);
      }
    }
  }

  /** Wraps one message (an eachMessage call, or one message of a batch): keeps the member alive and resumes a paused partition at the end. */
  async function run(
    payload: Pick<EachMessagePayload, 'topic' | 'partition' | 'heartbeat' | 'pause'>,
    process: (scope: MessageScope) => Promise<void>,
  ): Promise<void> {
    const lost = new AbortController();
    const signal = AbortSignal.any([stopping.signal, lost.signal]);
    let resume: (() => void) | undefined;
    const scope: MessageScope = {
      topic: payload.topic,
      partition: payload.partition,
      signal,
      pause: () => void (resume ??= payload.pause()),
    };
    const beat = setInterval(() => {
      payload.heartbeat().catch((err: { type?: string }) => {
        // While the broker is down a heartbeat cannot land; the retries above wait for it.
        if (err?.type && MEMBERSHIP_LOST.has(err.type)) lost.abort(err);
      });
    }, options.heartbeatIntervalMs);
    try {
      await process(scope);
    } finally {
      clearInterval(beat);
      resume?.();
    }
  }

  return {
    run,
    wait,
    untilKafkaTakesIt,
    untilKafkaTakesItLater,
    runHandler,
    /** Ends every wait in progress: the service is stopping. */
    stop: () => stopping.abort(new ConsumerStoppingError('the consumer is stopping')),
  };
}

export type Delivery = ReturnType<typeof createDelivery>;
