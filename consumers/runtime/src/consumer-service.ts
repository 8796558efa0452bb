// The consumer loop every service runs. Per message: decode and validate; skip an event id already
// processed within the dedupe window (kept in the service's state store, so it survives restarts
// and stays bounded); run the handler — retries by failure kind are delivery.ts's — and dead-letter
// what can never succeed (with headers naming the error and origin), then move on. kafkajs resolves
// an offset only after eachMessage returns (in batch mode, the runtime resolves each offset after
// its message), and the runtime throws only when the service stops or the member lost its place
// in the group, so commits cover processed messages only.
import { trace } from '@opentelemetry/api';
import type { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import {
  createPublisher,
  REPLAY_HEADER,
  type Published,
  type Publisher,
} from '@webstore/producer-client';
import {
  decodeEvent,
  dlqTopic,
  EventDecodeError,
  headerString,
  topicCatalog,
  type DecodedEvent,
  type EventInput,
  type EventName,
} from '@webstore/schemas';
import { serviceInstanceId } from '@webstore/observability/instance';
import type { Logger } from '@webstore/observability/logger';
import type { WebstoreMetrics } from '@webstore/observability/metrics';
import { createDelivery, type MessageScope } from './delivery.js';
import { trackMembership, type MembershipStatus } from './membership.js';
import { lagPoints } from './lag.js';
import { writtenPerTurn, type StateStore } from './store.js';

/** The failure the "broken handler" fault switch injects: permanent, so the message is dead-lettered. */
export class InjectedFaultError extends Error {
  override readonly name = 'InjectedFault';
}

export interface HandlerContext<N extends EventName = EventName> {
  event: DecodedEvent<N>;
  topic: string;
  partition: number;
  offset: string;
  message: KafkaMessage;
  /** The replay run this message belongs to (its `webstore_replay_id` header), if any. */
  replayId?: string;
  /** The service's logger; for a replayed message a child carrying `replay: true` and the id. */
  log: Logger;
  /** The service's state: read and change it in `store.transaction`, before publishing. */
  store: StateStore;
  /**
   * What `publish` attaches to a caused event (the causation id, and the synthetic and replay
   * markers carried), for a step that publishes after the handler has returned.
   */
  causation: { causationId: string; headers?: Record<string, string> };
  /**
   * Publishes an event caused by this one: causation header, synthetic and replay markers carried,
   * and an id derived from `businessKey` (default: the record key, i.e. the order id) and the
   * event name, so a step publishes the same id however often it runs.
   */
  publish<M extends EventName>(
    name: M,
    data: EventInput<M>,
    key: string,
    options?: { businessKey?: string },
  ): Promise<Published>;
}

export type Handler<N extends EventName = EventName> = (
  ctx: HandlerContext<N>,
) => Promise<void> | void;
export type Handlers = { [N in EventName]?: Handler<N> };

export interface ConsumerServiceOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handlers: Handlers;
  log: Logger;
  metrics: WebstoreMetrics;
  /** The service's state store; processed event ids are kept in it for the dedupe window. */
  store: StateStore;
  /** How long a processed event id is remembered (default 24 h). */
  dedupeWindowMs?: number;
  source: string;
  retry?: { maxAttempts?: number; baseMs?: number };
  /** Added before each message that has a handler: the "slow consumer" fault switch. */
  delayMs?: () => number;
  /**
   * The "broken handler" fault switch: true makes the handler of this event type fail with a
   * permanent error, so its messages are dead-lettered (until the switch is turned off again).
   */
  failing?: (eventName: EventName) => boolean;
  /** Partitions handled at once (default: all partitions of the topics); order within a partition is always kept. */
  concurrency?: number;
  /**
   * 'message' (default): kafkajs eachMessage, so each consumer span is a child of its producer's
   * span and one trace covers the whole flow. 'batch': eachBatch, the same per-message handling
   * (dedupe, retries, dead letters, journal) with one commit per batch instead of per message;
   * the instrumentation then starts a new trace per batch whose spans link to the producers.
   */
  mode?: 'message' | 'batch';
  sessionTimeoutMs?: number;
}

export interface ConsumerService {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True while the consumer is a member of its group (joined, not rebalancing, broker answering). */
  ready(): boolean;
  /** Why the consumer is or is not in its group, for /readyz. */
  membership(): MembershipStatus;
  /** Leaves the group (committing what was processed) until `resume()`; readiness says so. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  paused(): boolean;
  readonly publisher: Publisher;
  /**
   * Retries a step a handler left to finish after it returned (e.g. a publish) while Kafka is
   * unreachable, counted and logged as the service's outage; see delivery.ts.
   */
  untilKafkaTakesIt<T>(topic: string, step: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/** Creates a consumer service; call `start()` to join the group. */
export function createConsumerService(options: ConsumerServiceOptions): ConsumerService {
  const { kafka, groupId, topics, handlers, log, metrics } = options;
  const sessionTimeout = options.sessionTimeoutMs ?? 10_000;
  const concurrency =
    options.concurrency ??
    topics.reduce((n, t) => n + (topicCatalog.find((c) => c.name === t)?.partitions ?? 3), 0);
  const heartbeatInterval = 1_000;
  const newConsumer = (): Consumer =>
    kafka.consumer({
      groupId,
      sessionTimeout,
      rebalanceTimeout: 10_000,
      heartbeatInterval,
      maxWaitTimeInMs: 1_000,
    });
  let consumer = newConsumer();
  const delivery = createDelivery({
    groupId,
    log,
    metrics,
    heartbeatIntervalMs: heartbeatInterval,
    maxAttempts: options.retry?.maxAttempts,
    baseMs: options.retry?.baseMs,
  });
  // Half the session timeout without a fetch or heartbeat answer: the broker is gone.
  let membership = trackMembership(consumer, log, groupId, sessionTimeout / 2, metrics);
  // Paused by an operator (a rewind moves the group's offsets, which needs the group empty).
  let paused: { since: string } | undefined;
  let switching: Promise<void> = Promise.resolve();
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: true });
  const publisher = createPublisher({ producer, source: options.source });
  const { store } = options;
  const processed = store.table<{ at: number }>('processed_events');
  const dedupeWindowMs = options.dedupeWindowMs ?? 24 * 60 * 60 * 1000;
  // Processed ids are written behind, in one transaction per turn of the event loop instead of a
  // commit per message (the biggest single cost in the profiles). The message does not wait for
  // the write: measured, waiting for it multiplied the saga’s latency at 100 orders/s by more
  // than ten. A crash can lose the ids of that last turn; their messages come again only if their
  // offsets were not committed yet, and the handlers decide from their own state (written before
  // they publish) and re-publish the same event ids, which downstream dedupe drops.
  const unwritten = new Set<string>();
  const markProcessed = writtenPerTurn<{ id: string; at: number }>((written) => {
    store.transaction(() => {
      for (const { id, at } of written) processed.put(id, { at }, { settled: true });
    });
    for (const { id } of written) unwritten.delete(id);
  });
  const wasProcessed = (id: string) => unwritten.has(id) || processed.get(id) !== undefined;
  let evictTimer: NodeJS.Timeout | undefined;
  let lagTimer: NodeJS.Timeout | undefined;
  const admin = kafka.admin();

  async function deadLetter(
    scope: MessageScope,
    topic: string,
    partition: number,
    message: KafkaMessage,
    eventType: string,
    err: Error,
  ) {
    const code = err instanceof EventDecodeError ? err.code : err.name || 'Error';
    const headers: IHeaders = {
      ...message.headers,
      dlq_error: code,
      dlq_error_message: err.message.slice(0, 1000),
      dlq_original_topic: topic,
      dlq_original_partition: String(partition),
      dlq_original_offset: message.offset,
      dlq_group: groupId,
    };
    await delivery.untilKafkaTakesIt(scope, () =>
      publisher.publishRaw(dlqTopic(topic), {
        key: message.key,
        value: message.value,
        headers: headers as Record<string, Buffer | string>,
      }),
    );
    metrics.dlqMessages.add(1, { topic, group: groupId, error: code });
    metrics.consumerMessages.add(1, {
      topic,
      group: groupId,
      event_type: eventType,
      outcome: 'dead_lettered',
    });
    log.warn(
      { topic, partition, offset: message.offset, error: code, err },
      'message dead-lettered',
    );
  }

  async function handleMessage(
    scope: MessageScope,
    topic: string,
    partition: number,
    message: KafkaMessage,
  ): Promise<void> {
    const span = trace.getActiveSpan();
    span?.setAttribute('messaging.consumer.group.name', groupId);
    // A replayed message keeps its trace in Tempo (tail sampling keeps every replay).
    const replayId = headerString(message.headers, REPLAY_HEADER);
    if (replayId) span?.setAttribute('webstore.replay', true);
    metrics.consumerQueueTime.record(Math.max(0, (Date.now() - Number(message.timestamp)) / 1000), {
      topic,
      group: groupId,
    });
    const started = performance.now();
    let event: DecodedEvent;
    try {
      event = decodeEvent(message);
    } catch (err) {
      await deadLetter(
        scope,
        topic,
        partition,
        message,
        headerString(message.headers, 'ce_type') ?? 'unknown',
        err as Error,
      );
      return;
    }
    const labels = {
      topic,
      group: groupId,
      event_type: event.name,
      ...(replayId ? { replay: 'true' } : {}),
    };
    if (wasProcessed(event.id)) {
      metrics.consumerMessages.add(1, { ...labels, outcome: 'duplicate' });
      metrics.duplicatesSkipped.add(1, labels);
      log.info(
        {
          eventId: event.id,
          eventType: event.name,
          ...(replayId ? { replayId, replay: true } : {}),
        },
        'duplicate event skipped',
      );
      return;
    }
    const handler = handlers[event.name] as Handler | undefined;
    if (handler) {
      // The slow-consumer fault slows the work, not the events the service merely passes over.
      const delay = options.delayMs?.() ?? 0;
      if (delay > 0) await delivery.wait(delay, scope);
      const synthetic = (event.data as { synthetic?: boolean }).synthetic === true;
      // What a replayed event causes is part of the replay too.
      const carried = {
        ...(synthetic ? { webstore_synthetic: 'true' } : {}),
        ...(replayId ? { [REPLAY_HEADER]: replayId } : {}),
      };
      const causation = {
        causationId: event.id,
        headers: Object.keys(carried).length > 0 ? carried : undefined,
      };
      const ctx: HandlerContext = {
        event,
        topic,
        partition,
        offset: message.offset,
        message,
        replayId,
        log: replayId ? log.child({ replay: true, replayId }) : log,
        store,
        causation,
        publish: (name, data, key, publishOptions) =>
          publisher.publish(name, data, {
            key,
            businessKey: publishOptions?.businessKey ?? key,
            ...causation,
          }),
      };
      const failed = await delivery.runHandler(
        scope,
        async () => {
          if (options.failing?.(event.name))
            throw new InjectedFaultError(
              `the ${event.name} handler is switched to fail (fault switch)`,
            );
          return handler(ctx);
        },
        (err, attempt) => {
          metrics.consumerMessages.add(1, { ...labels, outcome: 'retried' });
          log.warn({ eventId: event.id, attempt, err }, 'handler failed; retrying');
        },
      );
      if (failed) {
        span?.recordException(failed);
        await deadLetter(scope, topic, partition, message, event.name, failed);
        return;
      }
    }
    unwritten.add(event.id);
    markProcessed({ id: event.id, at: Date.now() }).catch((err: unknown) =>
      log.warn({ eventId: event.id, err }, 'processed event id not recorded'),
    );
    metrics.consumerMessages.add(1, { ...labels, outcome: 'processed' });
    metrics.consumerProcessDuration.record((performance.now() - started) / 1000, labels);
  }

  // Lag is reported by the instance that owns the partition (lag.ts). A consumer paused by an
  // operator keeps reporting what it owned: its lag is the one growing.
  const instance = serviceInstanceId();
  let reporting: Record<string, number[]> = {};
  async function recordLag(): Promise<void> {
    if (!paused) reporting = membership.owned();
    metrics.consumerLag.replace(await lagPoints(admin, groupId, reporting, instance));
  }

  async function runConsumer(): Promise<void> {
    await consumer.connect();
    for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
    if (options.mode === 'batch') {
      await consumer.run({
        partitionsConsumedConcurrently: concurrency,
        // Offsets are resolved one message at a time, so a rebalance or a crash mid-batch
        // redelivers only what was not processed (and dedupe drops what was).
        eachBatchAutoResolve: false,
        // The instrumentation runs this inside a `poll <topic>` span (a new trace); each message
        // has a `process <topic>` span linked to its producer's span.
        eachBatch: async ({
          batch,
          resolveOffset,
          heartbeat,
          pause,
          isRunning,
          isStale,
          commitOffsetsIfNecessary,
        }) => {
          trace.getActiveSpan()?.setAttribute('messaging.consumer.group.name', groupId);
          const { topic, partition } = batch;
          for (const message of batch.messages) {
            if (!isRunning() || isStale()) break;
            await delivery.run({ topic, partition, heartbeat, pause }, (scope) =>
              handleMessage(scope, topic, partition, message),
            );
            resolveOffset(message.offset);
            await heartbeat();
          }
          await commitOffsetsIfNecessary();
        },
      });
    } else {
      await consumer.run({
        partitionsConsumedConcurrently: concurrency,
        // The kafkajs instrumentation runs this inside the `process <topic>` span, a child of the producer's span.
        eachMessage: (payload) =>
          delivery.run(payload, (scope) =>
            handleMessage(scope, payload.topic, payload.partition, payload.message),
          ),
      });
    }
  }

  return {
    publisher,
    untilKafkaTakesIt: delivery.untilKafkaTakesItLater,
    ready: () => membership.status().inGroup,
    membership: () =>
      paused
        ? {
            inGroup: false,
            state: 'paused',
            detail: `paused by an operator since ${paused.since} (POST /admin/consumer/resume)`,
          }
        : membership.status(),
    paused: () => paused !== undefined,
    pause() {
      switching = switching.then(async () => {
        if (paused) return;
        paused = { since: new Date().toISOString() };
        log.warn({ group: groupId }, 'consumer paused by an operator: leaving the group');
        await consumer.disconnect(); // commits what was processed and leaves the group
      });
      return switching;
    },
    resume() {
      switching = switching.then(async () => {
        if (!paused) return;
        consumer = newConsumer();
        membership = trackMembership(consumer, log, groupId, sessionTimeout / 2, metrics);
        await runConsumer();
        paused = undefined;
        log.info({ group: groupId }, 'consumer resumed by an operator: joining the group');
      });
      return switching;
    },
    async start() {
      const evict = () => {
        const n = processed.evictSettledBefore(Date.now() - dedupeWindowMs);
        if (n > 0) log.debug({ evicted: n }, 'processed event ids past the dedupe window evicted');
      };
      evict();
      evictTimer = setInterval(evict, Math.min(dedupeWindowMs, 60_000));
      evictTimer.unref();
      await Promise.all([producer.connect(), admin.connect()]);
      await runConsumer();
      lagTimer = setInterval(() => {
        recordLag().catch((err) => log.debug({ err }, 'lag check failed'));
      }, 5_000);
      lagTimer.unref();
    },
    async stop() {
      clearInterval(lagTimer);
      clearInterval(evictTimer);
      delivery.stop();
      await switching;
      await consumer.disconnect(); // waits for in-flight messages, commits, leaves the group
      await Promise.all([producer.disconnect(), admin.disconnect()]);
    },
  };
}
