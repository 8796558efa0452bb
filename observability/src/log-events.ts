// Log records that tools read back, by OpenTelemetry event name: the consumer runtime writes them,
// the console's ownership history reads them. A bunyan record's `otel.event.name` field becomes
// the OTLP log record's event name (the bunyan instrumentation moves it there).
export const EVENT_NAME_FIELD = 'otel.event.name';

export const LOG_EVENTS = {
  /** A consumer instance joined its group: `group`, `instance`, `memberId`, `assignment`, `previous`. */
  groupJoined: 'webstore.consumer.group_joined',
  /** A consumer instance left its group or lost its place: `group`, `instance`, `state`, `reason`, `revoked`. */
  groupLeft: 'webstore.consumer.group_left',
} as const;
