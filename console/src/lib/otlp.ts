// OTLP/JSON (as /api/traces/:id answers) → flat spans with plain attribute values and times in
// epoch milliseconds (microsecond precision, which a double holds exactly at today's epoch).
import type { AnyValue, KeyValue, OtlpTrace } from './api.js';

export const KIND = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };
export const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

export type Attributes = Record<string, unknown>;

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  service: string;
  startMs: number;
  endMs: number;
  durationMs: number;
  attributes: Attributes;
  resource: Attributes;
  scope: string;
  events: { timeMs: number; name: string; attributes: Attributes }[];
  links: { traceId: string; spanId: string; attributes: Attributes }[];
  error: boolean;
  statusMessage?: string;
}

/** Unix nanoseconds (decimal string) → epoch milliseconds. */
export function nanosToMs(nanos: string): number {
  return Number(BigInt(nanos) / 1000n) / 1000;
}

export function anyValue(v: AnyValue | undefined): unknown {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(anyValue);
  if (v.kvlistValue) return attributes(v.kvlistValue.values);
  return null;
}

export function attributes(list: KeyValue[] | undefined): Attributes {
  const out: Attributes = {};
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

/** Every span of an OTLP/JSON export, in start order. */
export function spansOf(trace: OtlpTrace): Span[] {
  const spans: Span[] = [];
  for (const rs of trace.resourceSpans) {
    const resource = attributes(rs.resource?.attributes);
    const service = String(resource['service.name'] ?? 'unknown');
    for (const ss of rs.scopeSpans)
      for (const s of ss.spans) {
        const startMs = nanosToMs(s.startTimeUnixNano);
        const endMs = nanosToMs(s.endTimeUnixNano);
        spans.push({
          traceId: s.traceId,
          spanId: s.spanId,
          ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
          name: s.name,
          kind: s.kind,
          service,
          startMs,
          endMs,
          durationMs: Math.max(0, endMs - startMs),
          attributes: attributes(s.attributes),
          resource,
          scope: ss.scope?.name ?? '',
          events: (s.events ?? []).map((e) => ({
            timeMs: nanosToMs(e.timeUnixNano),
            name: e.name,
            attributes: attributes(e.attributes),
          })),
          links: (s.links ?? []).map((l) => ({
            traceId: l.traceId,
            spanId: l.spanId,
            attributes: attributes(l.attributes),
          })),
          error: s.status?.code === 2,
          ...(s.status?.message ? { statusMessage: s.status.message } : {}),
        });
      }
  }
  return spans.sort((a, b) => a.startMs - b.startMs);
}
