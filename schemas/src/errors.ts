/** Why an event could not be decoded. */
export type EventDecodeErrorCode =
  | 'missing_header'
  | 'unknown_event_type'
  | 'invalid_json'
  | 'missing_field'
  | 'invalid_type'
  | 'invalid_value';

/**
 * Raised when a Kafka message cannot be turned into a valid event. Never retriable: the same bytes
 * will fail the same way, so consumers send the message to the dead-letter topic.
 */
export class EventDecodeError extends Error {
  override readonly name = 'EventDecodeError';
  readonly retriable = false;

  constructor(
    readonly code: EventDecodeErrorCode,
    /** The CloudEvents type, or the event name when known; undefined when the header was absent. */
    readonly eventType: string | undefined,
    /** Dotted path of the offending field (`items.0.quantity`), or the header name. */
    readonly field: string | undefined,
    detail: string,
  ) {
    super(`${eventType ?? 'event'}: ${field ? `${field}: ` : ''}${detail}`);
  }
}
