// Publishes schema'd events as CloudEvents (Kafka binary mode) with acks=all. The kafkajs
// instrumentation adds `traceparent` to the headers and makes the `send` span a child of the
// caller's span; this module only adds the attributes tail sampling keys on.
import { createHash } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import type { Producer } from 'kafkajs';
import { encodeEvent, eventCatalog, type EventInput, type EventName } from '@webstore/schemas';

export interface PublishOptions {
  /** Record key: the order id, or the session id for activity. */
  key: string;
  headers?: Record<string, string>;
  /** CloudEvents id; derived from `causationId` when that is given, random otherwise. */
  id?: string;
  /** The `ce_id` of the event that caused this one: recorded in a header, and makes the id deterministic. */
  causationId?: string;
}

export interface Published {
  topic: string;
  partition: number;
  offset: string;
  eventId: string;
}

export interface Publisher {
  publish<N extends EventName>(
    name: N,
    data: EventInput<N>,
    options: PublishOptions,
  ): Promise<Published>;
  /** Sends an already-encoded message as it is (dead-lettering). */
  publishRaw(
    topic: string,
    message: {
      key: Buffer | string | null;
      value: Buffer | string | null;
      headers: Record<string, Buffer | string>;
    },
  ): Promise<void>;
}

export const CAUSATION_HEADER = 'webstore_causation_id';
/** Carried by every replayed event (and by what it causes): the replay run's id. */
export const REPLAY_HEADER = 'webstore_replay_id';

/**
 * An event caused by another gets an id derived from the cause, so a redelivered cause republishes
 * the same id and every consumer's dedupe-by-id drops the copy.
 */
export function derivedEventId(causationId: string, name: EventName): string {
  const hex = createHash('sha256').update(`${causationId}/${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const SPAN_ATTRIBUTES: Record<string, string> = {
  orderId: 'order.id',
  totalCents: 'order.total_cents',
  amountCents: 'order.total_cents',
  country: 'customer.country',
  synthetic: 'webstore.synthetic',
};

/** Creates a publisher over a connected kafkajs producer. */
export function createPublisher(options: { producer: Producer; source: string }): Publisher {
  const { producer, source } = options;
  return {
    async publish(name, data, opts) {
      const id = opts.id ?? (opts.causationId ? derivedEventId(opts.causationId, name) : undefined);
      const headers: Record<string, string> = {
        ...opts.headers,
        ...(opts.causationId ? { [CAUSATION_HEADER]: opts.causationId } : {}),
      };
      const message = encodeEvent(name, data, { source, key: opts.key, id, headers });
      const span = trace.getActiveSpan();
      for (const [field, attribute] of Object.entries(SPAN_ATTRIBUTES)) {
        const value = (data as Record<string, unknown>)[field];
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
          span?.setAttribute(attribute, value);
      }
      // Tail sampling keeps every replay; the marker travels as a header, not in the event data.
      if (headers[REPLAY_HEADER]) span?.setAttribute('webstore.replay', true);
      const topic = eventCatalog[name].topic;
      const [meta] = await producer.send({ topic, acks: -1, messages: [message] });
      return {
        topic,
        partition: meta!.partition,
        offset: meta!.baseOffset ?? '-1',
        eventId: message.headers.ce_id!,
      };
    },
    async publishRaw(topic, message) {
      await producer.send({ topic, acks: -1, messages: [message] });
    },
  };
}
