// The HTTP server span of the request being handled. Koa's instrumentation makes a span per
// middleware layer the active one, so `trace.getActiveSpan()` in a route is a layer span; facts
// that describe the whole request (who the customer is, whether the traffic is synthetic) belong
// on the server span, which the http instrumentation records in the context's RPC metadata.
import { context, trace, type AttributeValue, type Span } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';

/** The server span of the current HTTP request, or undefined outside one. */
export function serverSpan(): Span | undefined {
  return getRPCMetadata(context.active())?.span;
}

/** Sets an attribute on the request's server span, or on the active span when there is none. */
export function setRequestAttribute(key: string, value: AttributeValue): void {
  (serverSpan() ?? trace.getActiveSpan())?.setAttribute(key, value);
}
