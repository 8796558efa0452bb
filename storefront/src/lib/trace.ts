// An order's trace as the console's API answers it (OTLP/JSON), reduced to what the journey page
// draws: spans in start order with their depth, and each Kafka hop's wait in its topic.
export interface OtlpTrace {
  resourceSpans: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans: {
      spans: {
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        startTimeUnixNano: string;
        endTimeUnixNano: string;
        attributes?: KeyValue[];
        status?: { code?: number };
      }[];
    }[];
  }[];
}
interface KeyValue {
  key: string;
  value?: { stringValue?: string; intValue?: string | number };
}

export interface TraceSpan {
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  service: string;
  startMs: number;
  endMs: number;
  depth: number;
  error: boolean;
  topic?: string;
}

export interface Hop {
  topic: string;
  /** The service whose consumer received the message. */
  service: string;
  /** Producer span end → consumer span start. */
  queueMs: number;
}

const PRODUCER = 4;
const CONSUMER = 5;
const ms = (nanos: string) => Number(BigInt(nanos) / 1000n) / 1000;
const attr = (list: KeyValue[] | undefined, key: string) => {
  const v = list?.find((a) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue === undefined ? undefined : String(v.intValue));
};

/** Flat spans in start order, each with its depth under the trace's root(s). */
export function spansOf(trace: OtlpTrace): TraceSpan[] {
  const spans: TraceSpan[] = [];
  for (const rs of trace.resourceSpans) {
    const service = attr(rs.resource?.attributes, 'service.name') ?? 'unknown';
    for (const ss of rs.scopeSpans)
      for (const s of ss.spans) {
        const topic = attr(s.attributes, 'messaging.destination.name');
        spans.push({
          spanId: s.spanId,
          ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
          name: s.name,
          kind: s.kind,
          service,
          startMs: ms(s.startTimeUnixNano),
          endMs: ms(s.endTimeUnixNano),
          depth: 0,
          error: s.status?.code === 2,
          ...(topic ? { topic } : {}),
        });
      }
  }
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const depth = (s: TraceSpan, seen = 0): number => {
    const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
    return parent && seen < 64 ? 1 + depth(parent, seen + 1) : 0;
  };
  for (const s of spans) s.depth = depth(s);
  return spans.sort((a, b) => a.startMs - b.startMs);
}

/** Every consumer span that is a producer span's child: one message's wait in its topic. */
export function hopsOf(spans: TraceSpan[]): Hop[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  return spans.flatMap((s) => {
    const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
    if (s.kind !== CONSUMER || parent?.kind !== PRODUCER) return [];
    return [
      {
        topic: s.topic ?? parent.topic ?? s.name.replace(/^process /, ''),
        service: s.service,
        queueMs: Math.max(0, s.startMs - parent.endMs),
      },
    ];
  });
}

/** The chain of spans from `spanId` up to its root (itself first). */
export function ancestry(spans: TraceSpan[], spanId: string): TraceSpan[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const chain: TraceSpan[] = [];
  for (
    let s = byId.get(spanId);
    s && chain.length < 64;
    s = s.parentSpanId ? byId.get(s.parentSpanId) : undefined
  )
    chain.push(s);
  return chain;
}
