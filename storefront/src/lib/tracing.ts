// The OpenTelemetry Web SDK (the lazily loaded chunk): `storefront-web` spans for the document
// load, every same-origin fetch (with `traceparent`, so the gateway's spans join the trace) and
// the shopper's actions, exported as OTLP/JSON to the store's own server (/otlp/v1/traces), which
// forwards them. Every span carries the funnel session id.
import { context, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { DocumentLoadInstrumentation } from '@opentelemetry/instrumentation-document-load';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  WebTracerProvider,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-web';

const SERVICE = 'storefront-web';
const tracer = trace.getTracer(SERVICE);

/** Registers the provider and instrumentations; call once. */
export function start({ sessionId }: { sessionId: string }): void {
  const session: SpanProcessor = {
    onStart: (span) => void span.setAttribute('session.id', sessionId),
    onEnd: () => undefined,
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const exporter = new OTLPTraceExporter({ url: new URL('/otlp/v1/traces', location.href).href });
  const provider = new WebTracerProvider({
    resource: resourceFromAttributes({ 'service.name': SERVICE }),
    spanProcessors: [session, new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
  });
  provider.register();
  registerInstrumentations({
    instrumentations: [
      new DocumentLoadInstrumentation(),
      new FetchInstrumentation({
        // Its own exports, the waterfall's reads and the config are not the shopper's activity.
        ignoreUrls: [/\/otlp\//, /\/console-api\//, /\/config\.json$/],
        clearTimingResources: true,
      }),
    ],
  });
}

/** Runs `fn` in a new span (its synchronous part in the span's context); ends it when settled. */
export async function traced<T>(
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(name, { attributes });
  try {
    return await context.with(trace.setSpan(context.active(), span), fn);
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}
