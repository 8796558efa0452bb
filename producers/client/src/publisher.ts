// Publishes schema'd events as CloudEvents (Kafka binary mode) with acks=all. The kafkajs
// instrumentation adds `traceparent` to the headers and makes the `send` span a child of the
// caller's span; this module only adds the attributes tail sampling keys on.
import { createHash } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import type kafkajs from 'kafkajs';
import type { Producer } from 'kafkajs';
import {
  encodeEvent,
  eventCatalog,
  type EncodedMessage,
  type EventInput,
  type EventName,
} from '@webstore/schemas';
import {
  isKafkaUnavailable,
  KafkaUnavailableError,
  PublishError,
  PublishTimeoutError,
} from './errors.js';

export interface PublishOptions {
  /** Record key: the order id, or the session id for activity. */
  key: string;
  headers?: Record<string, string>;
  /** CloudEvents id; derived from `businessKey` when that is given, random otherwise. */
  id?: string;
  /**
   * What makes this event unique in the domain — the order id for an order's steps: the id is
   * derived from it and the event name, so however often a step runs (a redelivered cause, a
   * duplicate cause with another id, a restart between decision and publish) it publishes the same
   * id and every consumer's dedupe-by-id drops the copies.
   */
  businessKey?: string;
  /** The `ce_id` of the event that caused this one, recorded in a header. */
  causationId?: string;
}

export interface Published {
  topic: string;
  partition: number;
  offset: string;
  eventId: string;
  /** The message as sent (with the `traceparent` the instrumentation added), for read-your-writes. */
  message: EncodedMessage;
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

/** The id of the event `name` for a business key: the same key and name always give the same id. */
export function derivedEventId(businessKey: string, name: EventName): string {
  const hex = createHash('sha256').update(`${businessKey}/${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const SPAN_ATTRIBUTES: Record<string, string> = {
  orderId: 'order.id',
  totalCents: 'order.total_cents',
  amountCents: 'order.total_cents',
  country: 'customer.country',
  synthetic: 'webstore.synthetic',
};

/** What the publisher knows about Kafka's reachability (the gateway's health probe). */
export interface KafkaAvailability {
  /** Why Kafka is believed unreachable right now, or undefined when it is believed reachable. */
  unavailableReason(): string | undefined;
  /** A send failed because Kafka was unreachable (or did not answer in time). */
  reportFailure(err: unknown): void;
}

export interface PublisherOptions {
  producer: Producer;
  source: string;
  /**
   * Fail a send with PublishTimeoutError when Kafka has not acknowledged it by then. Size the
   * producer's own retry budget below it, so kafkajs has given up too and no send the caller was
   * told failed is still being retried in the background.
   */
  timeoutMs?: number;
  /** Refuse at once (KafkaUnavailableError, nothing sent) while this says Kafka is down. */
  availability?: KafkaAvailability;
  /** A send that had timed out was acknowledged after all (so it is in the log). */
  onLateAcknowledgement?: (topic: string, key: string | null) => void;
}

/**
 * Creates a publisher over a connected kafkajs producer. Every failure is a PublishError:
 * `retriable` when Kafka was unreachable, `written` saying whether the event may be in the log.
 */
export function createPublisher(options: PublisherOptions): Publisher {
  const { producer, source, timeoutMs, availability } = options;
  async function send(
    topic: string,
    message: kafkajs.Message,
  ): Promise<kafkajs.RecordMetadata | undefined> {
    const reason = availability?.unavailableReason();
    if (reason) throw new KafkaUnavailableError(topic, reason);
    const sending = producer.send({ topic, acks: -1, messages: [message] });
    let timer: NodeJS.Timeout | undefined;
    try {
      if (!timeoutMs) return (await sending)[0];
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new PublishTimeoutError(topic, timeoutMs)), timeoutMs);
      });
      return (await Promise.race([sending, deadline]))[0];
    } catch (err) {
      if (err instanceof PublishTimeoutError) {
        const key = message.key == null ? null : String(message.key);
        sending.then(
          () => options.onLateAcknowledgement?.(topic, key),
          () => undefined,
        );
        availability?.reportFailure(err);
        throw err;
      }
      const retriable = isKafkaUnavailable(err);
      if (retriable) availability?.reportFailure(err);
      throw new PublishError(
        `could not publish to ${topic}: ${(err as Error).message}`,
        topic,
        // Kafka answered with a permanent error: it did not append the batch.
        retriable ? 'unknown' : 'no',
        { cause: err, retriable },
      );
    } finally {
      clearTimeout(timer);
    }
  }
  return {
    async publish(name, data, opts) {
      const id = opts.id ?? (opts.businessKey ? derivedEventId(opts.businessKey, name) : undefined);
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
      const meta = await send(topic, message);
      return {
        topic,
        partition: meta!.partition,
        offset: meta!.baseOffset ?? '-1',
        eventId: message.headers.ce_id!,
        message,
      };
    },
    async publishRaw(topic, message) {
      await send(topic, message);
    },
  };
}
