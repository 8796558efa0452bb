// Spans the receiver tests send and read back.
import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { waitFor } from '@webstore/testkit';
import type { TestConsole } from './helpers.js';

export interface OtlpTrace {
  resourceSpans: {
    resource: { attributes: { key: string; value: Record<string, unknown> }[] };
    scopeSpans: {
      scope: { name: string; version?: string };
      spans: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        startTimeUnixNano: string;
        endTimeUnixNano: string;
        attributes: { key: string; value: Record<string, unknown> }[];
        events: { name: string; timeUnixNano: string; attributes: unknown[] }[];
        links: { traceId: string; spanId: string; attributes: unknown[] }[];
        status: { code: number; message?: string };
      }[];
    }[];
  }[];
}

export const allSpans = (t: OtlpTrace) =>
  t.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));

/** A server span with a producer child (attributes of every kind, an event, an error status). */
export function order(tracer: Tracer, name: string): string {
  const parent = tracer.startSpan(`POST ${name}`, {
    kind: SpanKind.SERVER,
    attributes: { 'http.response.status_code': 202 },
  });
  const child = tracer.startSpan(
    'send webstore.orders.v1',
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.destination.name': 'webstore.orders.v1',
        'order.id': `ord-${name}`,
        'retry.count': 2,
        ratio: 0.5,
        ok: true,
        tags: ['a', 'b'],
      },
    },
    trace.setSpan(context.active(), parent),
  );
  child.addEvent('queued', { depth: 1.5 });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'broker down' });
  child.end();
  parent.end();
  return parent.spanContext().traceId;
}

export async function storedTraceIn(
  c: TestConsole,
  traceId: string,
  spans: number,
): Promise<OtlpTrace> {
  return waitFor(
    async () => {
      const r = await c.get<OtlpTrace>(`/api/traces/${traceId}`);
      return r.status === 200 && allSpans(r.body).length === spans ? r.body : undefined;
    },
    { timeoutMs: 15_000, message: `trace ${traceId} with ${spans} spans in the console` },
  );
}
