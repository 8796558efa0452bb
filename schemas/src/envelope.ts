// CloudEvents 1.0, Kafka protocol binding, binary content mode: attributes travel as `ce_*`
// headers and the record value is the JSON `data`. Trace context (`traceparent`) is added by the
// kafkajs instrumentation, not here.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { EventDecodeError } from './errors.js';
import {
  eventCatalog,
  eventNameOf,
  type EventData,
  type EventInput,
  type EventName,
} from './events/catalog.js';

export const CONTENT_TYPE = 'application/json';
export const SPEC_VERSION = '1.0';

/** A header value as kafkajs hands it over. */
export type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;
export type MessageHeaders = Record<string, HeaderValue>;

/** A message ready for `producer.send`. */
export interface EncodedMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

export interface EncodeOptions {
  /** CloudEvents `source`: the producing service, e.g. `/webstore/gateway`. */
  source: string;
  /** Record key; events of one order (or session) share it. */
  key: string;
  id?: string;
  time?: Date;
  /** Extra headers (e.g. `webstore_replay`) copied as they are. */
  headers?: Record<string, string>;
}

/** A decoded, validated event; a union discriminated by `name`, so checking the name narrows `data`. */
export type DecodedEvent<N extends EventName = EventName> = N extends EventName
  ? {
      id: string;
      name: N;
      type: string;
      source: string;
      time: string;
      data: EventData<N>;
    }
  : never;

/** Validates `data` against its schema and builds the Kafka message for it. */
export function encodeEvent<N extends EventName>(
  name: N,
  data: EventInput<N>,
  options: EncodeOptions,
): EncodedMessage {
  const spec = eventCatalog[name];
  const parsed = validate(name, spec.type, spec.schema, data);
  return {
    key: options.key,
    value: Buffer.from(JSON.stringify(parsed)),
    headers: {
      ...options.headers,
      ce_id: options.id ?? randomUUID(),
      ce_type: spec.type,
      ce_source: options.source,
      ce_time: (options.time ?? new Date()).toISOString(),
      ce_specversion: SPEC_VERSION,
      'content-type': CONTENT_TYPE,
    },
  };
}

/** Reads a header as a string: kafkajs delivers Buffers, tests may pass strings. */
export function headerString(
  headers: MessageHeaders | undefined,
  name: string,
): string | undefined {
  const raw = headers?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? undefined : value.toString();
}

/** Turns a consumed Kafka message back into a validated event, or throws `EventDecodeError`. */
export function decodeEvent(message: {
  value: Buffer | string | null;
  headers?: MessageHeaders;
}): DecodedEvent {
  const required = (header: string, type?: string) => {
    const value = headerString(message.headers, header);
    if (!value) throw new EventDecodeError('missing_header', type, header, 'header is missing');
    return value;
  };
  const type = required('ce_type');
  const name = eventNameOf(type);
  if (!name)
    throw new EventDecodeError(
      'unknown_event_type',
      type,
      'ce_type',
      `unknown event type "${type}"`,
    );
  const id = required('ce_id', name);
  const source = required('ce_source', name);
  const time = required('ce_time', name);
  let json: unknown;
  try {
    if (message.value === null) throw new Error('value is null');
    json = JSON.parse(message.value.toString());
  } catch (err) {
    throw new EventDecodeError(
      'invalid_json',
      name,
      'value',
      `value is not JSON (${(err as Error).message})`,
    );
  }
  const data = validate(name, type, eventCatalog[name].schema, json);
  return { id, name, type, source, time, data } as DecodedEvent;
}

function validate<N extends EventName>(
  name: N,
  type: string,
  schema: z.ZodType,
  value: unknown,
): EventData<N> {
  const result = schema.safeParse(value);
  if (result.success) return result.data as EventData<N>;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.') || '(root)';
  const missing = issue.code === 'invalid_type' && issue.message.includes('received undefined');
  const code = missing
    ? 'missing_field'
    : issue.code === 'invalid_type'
      ? 'invalid_type'
      : 'invalid_value';
  throw new EventDecodeError(
    code,
    name,
    field,
    `${missing ? 'required field is missing' : issue.message} (type ${type})`,
  );
}
