// What a failed publish means, so callers decide by class and never by message text: the gateway
// answers 503 for a PublishError, a consumer retries one until it succeeds.

/**
 * kafkajs 2.2.4 errors that mean "Kafka is not reachable right now", whatever their own
 * `retriable` flag says (src/errors.js): KafkaJSNumberOfRetriesExceeded is a
 * KafkaJSNonRetriableError only because kafkajs itself will not retry it again.
 */
const UNREACHABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSTimeout',
]);
const SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  retriable?: unknown;
  cause?: unknown;
}

/**
 * True when `err` (or what caused it) says Kafka could not be reached or did not answer: a
 * connection that failed or closed, a request that timed out, no broker, retries exhausted on any
 * of those, or a protocol error Kafka itself marks retriable (NOT_LEADER, REQUEST_TIMED_OUT…).
 * A request Kafka answered with a permanent error (MESSAGE_TOO_LARGE, INVALID_RECORD) is not.
 */
export function isKafkaUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 8; depth++) {
    const { name, code, retriable, cause } = e as ErrorLike;
    if (e instanceof PublishError) return e.retriable;
    if (typeof name === 'string' && UNREACHABLE.has(name)) return true;
    if (typeof code === 'string' && SYSTEM_CODES.has(code)) return true;
    // A protocol error carries Kafka's own verdict; a bare KafkaJSError is kafkajs's generic
    // retriable failure (e.g. partition metadata not yet there).
    if (name === 'KafkaJSProtocolError' || name === 'KafkaJSError') return retriable === true;
    if (name === 'KafkaJSNumberOfRetriesExceeded' || name === 'KafkaJSNonRetriableError') {
      e = cause;
      continue;
    }
    return false;
  }
  return false;
}

/**
 * Whether a failed event may be in the log anyway:
 * - `no`: nothing was sent (Kafka was known to be down);
 * - `unknown`: a request may have reached the broker before the failure (its answer was lost).
 */
export type Written = 'no' | 'unknown';

/** A publish that Kafka did not acknowledge. `retriable` is true when Kafka was unreachable. */
export class PublishError extends Error {
  override readonly name: string = 'PublishError';
  readonly retriable: boolean;

  constructor(
    message: string,
    readonly topic: string,
    readonly written: Written,
    options: { cause?: unknown; retriable?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.retriable = options.retriable ?? true;
  }
}

/** Refused before sending: Kafka is known to be unreachable. Nothing was written. */
export class KafkaUnavailableError extends PublishError {
  override readonly name = 'KafkaUnavailableError';
  constructor(topic: string, reason: string) {
    super(`Kafka is unreachable (${reason}); nothing was sent to ${topic}`, topic, 'no');
  }
}

/** Not acknowledged within the publish deadline. */
export class PublishTimeoutError extends PublishError {
  override readonly name = 'PublishTimeoutError';
  constructor(topic: string, timeoutMs: number) {
    super(
      `Kafka did not acknowledge the send to ${topic} within ${timeoutMs} ms`,
      topic,
      'unknown',
    );
  }
}
