// Which messages of a window a replay takes: by record key, event type (name or ce_type), header
// values and the customer's country (from the event data, or an order's country).
import type { KafkaMessage } from 'kafkajs';
import { eventNameOf, headerString } from '@webstore/schemas';
import { UsageError } from './errors.js';

export interface MessageFilter {
  key?: string;
  /** An event name (`OrderPlaced`) or its CloudEvents type (`com.webstore.order.placed.v1`). */
  type?: string;
  /** Every header here must have exactly this value. */
  headers?: Record<string, string>;
  /** ISO country code, compared case-insensitively with the event data's `country`. */
  country?: string;
  /** Also take copies an earlier replay published (left out by default: history, not its echo). */
  includeReplays?: boolean;
}

/** Parses repeated `--header k=v` values; throws on a value without `=`. */
export function parseHeaderFilters(values: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0) throw new UsageError(`--header "${value}" must be name=value`, 'header');
    headers[value.slice(0, at)] = value.slice(at + 1);
  }
  return headers;
}

/** The event name of a message: its ce_type's name, or the raw ce_type, or `unknown`. */
export function eventTypeOf(message: Pick<KafkaMessage, 'headers'>): string {
  const type = headerString(message.headers, 'ce_type');
  if (!type) return 'unknown';
  return eventNameOf(type) ?? type;
}

function countryOf(message: Pick<KafkaMessage, 'value'>): string | undefined {
  try {
    const data = JSON.parse(message.value?.toString() ?? 'null') as { country?: unknown } | null;
    return typeof data?.country === 'string' ? data.country : undefined;
  } catch {
    return undefined;
  }
}

/** True when the message passes every filter given. */
export function matches(
  message: Pick<KafkaMessage, 'key' | 'headers' | 'value'>,
  filter: MessageFilter,
): boolean {
  if (!filter.includeReplays && headerString(message.headers, 'webstore_replay_id') !== undefined)
    return false;
  if (filter.key !== undefined && message.key?.toString() !== filter.key) return false;
  if (filter.type !== undefined) {
    const ceType = headerString(message.headers, 'ce_type');
    if (filter.type !== ceType && filter.type !== eventTypeOf(message)) return false;
  }
  for (const [name, value] of Object.entries(filter.headers ?? {}))
    if (headerString(message.headers, name) !== value) return false;
  if (
    filter.country !== undefined &&
    countryOf(message)?.toUpperCase() !== filter.country.toUpperCase()
  )
    return false;
  return true;
}

/** True when no filter is set. */
export function isEmptyFilter(filter: MessageFilter): boolean {
  return (
    filter.key === undefined &&
    filter.type === undefined &&
    filter.country === undefined &&
    Object.keys(filter.headers ?? {}).length === 0
  );
}
