// How a failed message is treated is decided by the error's class, never by its text:
// - infrastructure: Kafka unreachable (a connection error, a request timeout, kafkajs's retries
//   exhausted on one of those — KafkaJSNumberOfRetriesExceeded —, a PublishError marked
//   retriable). The message is fine; the partition waits and retries until it succeeds.
// - transient: a handler's own RetriableError (a dependency hiccup): a few retries with backoff,
//   then the dead-letter topic.
// - permanent: everything else (undecodable or invalid events, a domain error, a bug): the
//   dead-letter topic at once, because retrying cannot make it succeed.
import { isKafkaUnavailable } from '@webstore/producer-client';

/** A failure worth retrying (a dependency hiccup); anything without `retriable: true` is dead-lettered. */
export class RetriableError extends Error {
  override readonly name = 'RetriableError';
  readonly retriable = true;
}

export type FailureKind = 'infrastructure' | 'transient' | 'permanent';

/** Sorts a handler's or a publish's failure into the three kinds above. */
export function classifyFailure(err: unknown): FailureKind {
  if (isKafkaUnavailable(err)) return 'infrastructure';
  return isRetriable(err) ? 'transient' : 'permanent';
}

/** A handler-flagged transient failure: decided only by the error's `retriable` flag. */
export function isRetriable(err: unknown): boolean {
  return (
    typeof err === 'object' && err !== null && (err as { retriable?: unknown }).retriable === true
  );
}

/** Exponential backoff with full jitter, capped. */
export function backoffMs(
  attempt: number,
  baseMs: number,
  maxMs = 5_000,
  random = Math.random,
): number {
  return Math.round(random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1)));
}
