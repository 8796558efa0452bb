// kafkajs's own log lines, routed into the service's structured logger. While Kafka is unreachable
// kafkajs writes an ERROR line for every connection attempt of every client; the outage itself is
// logged once by whoever handles it (the gateway's health probe, the consumer runtime), so those
// lines go to debug and the terminal stays readable.
import kafkajs from 'kafkajs';

type LogMethod = (fields: Record<string, unknown>, message: string) => void;
/** The part of a bunyan logger this needs. */
export interface StructuredLogger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}

const UNREACHABLE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|Connection error|Connection timeout|Closed connection|KafkaJSNumberOfRetriesExceeded|KafkaJSConnection|Request .* timed out|Restarting the consumer|There is no leader/;

/** A kafkajs `logCreator` writing to `log`. */
export function kafkajsLogCreator(log: StructuredLogger): kafkajs.logCreator {
  const { ERROR, WARN, INFO } = kafkajs.logLevel;
  return () =>
    ({ namespace, level, log: entry }) => {
      const { message, timestamp: _timestamp, logger: _logger, stack, ...fields } = entry;
      const unreachable = UNREACHABLE.test(`${message} ${String(fields.error ?? '')}`);
      const method: keyof StructuredLogger = unreachable
        ? 'debug'
        : level === ERROR
          ? 'error'
          : level === WARN
            ? 'warn'
            : level === INFO
              ? 'info'
              : 'debug';
      log[method](
        { kafkajs: namespace, ...fields, ...(method === 'error' ? { stack } : {}) },
        String(message),
      );
    };
}
