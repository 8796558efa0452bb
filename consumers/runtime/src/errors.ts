/** A failure worth retrying (a dependency hiccup); anything without `retriable: true` is dead-lettered. */
export class RetriableError extends Error {
  override readonly name = 'RetriableError';
  readonly retriable = true;
}

/** Retry, or send to the dead-letter topic: decided only by the error's `retriable` flag. */
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
