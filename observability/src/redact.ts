// Credentials in URLs (`?token=`, `?ticket=`) must not reach traces or logs: the HTTP
// instrumentation records the whole request target (http.target, http.url, url.full, url.query).
// The span processor below rewrites every string attribute of a finished span before any exporter
// sees it, so no instrumentation's choice of attribute can leak one.
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Query parameters whose values are credentials. */
export const SECRET_PARAMS = ['token', 'ticket', 'access_token'];
const SECRET_QUERY = new RegExp(`(^|[?&;])(${SECRET_PARAMS.join('|')})=[^&#\\s"']*`, 'gi');
const REDACTED = '[redacted]';

/** The text with the value of every credential query parameter replaced. */
export function redactSecrets(text: string): string {
  return text.replace(SECRET_QUERY, `$1$2=${REDACTED}`);
}

function redactAttributes(attributes: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value === 'string') {
      const clean = redactSecrets(value);
      if (clean !== value) attributes[key] = clean;
    } else if (Array.isArray(value)) {
      attributes[key] = value.map((v: unknown) => (typeof v === 'string' ? redactSecrets(v) : v));
    }
  }
}

/** Wraps the exporting processor: finished spans are scrubbed, then handed on. */
export class RedactingSpanProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    // A finished span's attributes are a plain object the SDK no longer writes to.
    redactAttributes(span.attributes as Record<string, unknown>);
    for (const event of span.events)
      if (event.attributes) redactAttributes(event.attributes as Record<string, unknown>);
    this.next.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}
