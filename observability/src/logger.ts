// The service logger: bunyan 1.x JSON on stdout. The bunyan instrumentation (from the preload)
// adds trace_id/span_id/trace_flags to records written inside a span and forwards each record as
// an OTel log record. bunyan 2.x would be silently ignored by it, hence the exact 1.8.15 pin.
import bunyan from 'bunyan';
import { readLogLevel, type LogLevel } from './config.js';
import { redactSecrets } from './redact.js';

export type Logger = bunyan;

export interface LoggerOptions {
  /** Default: LOG_LEVEL, else info. */
  level?: LogLevel;
  /** Extra fields on every record (e.g. `{ group: 'payment' }`). */
  fields?: Record<string, unknown>;
  /** Where records go (default process.stdout); tests can pass a stream to read records back. */
  stream?: NodeJS.WritableStream;
}

const REDACTED = '[redacted]';
// Fields that must never reach logs (DESIGN: no card numbers, emails or tokens). Redacted by
// name at the top level of a record; keep such data out of nested objects.
const PII_FIELDS = [
  'email',
  'cardNumber',
  'card',
  'cvv',
  'password',
  'token',
  'authorization',
] as const;

const redact = () => REDACTED;
// Fields that may hold a URL: a credential in its query string is cut out.
const URL_FIELDS = ['url', 'href', 'target', 'path'] as const;
const redactUrl = (value: unknown) => (typeof value === 'string' ? redactSecrets(value) : value);

export const serializers: bunyan.Serializers = {
  err: bunyan.stdSerializers.err,
  ...Object.fromEntries(URL_FIELDS.map((field) => [field, redactUrl])),
  ...Object.fromEntries(PII_FIELDS.map((field) => [field, redact])),
};

/** A bunyan logger named `name` writing JSON lines to stdout at LOG_LEVEL. */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  return bunyan.createLogger({
    name,
    level: options.level ?? readLogLevel(),
    serializers,
    streams: [{ stream: options.stream ?? process.stdout }],
    ...options.fields,
  });
}
