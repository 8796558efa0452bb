// A trace laid out for the waterfall: one lane per service, Kafka hops (producer `send`, the time
// the message waited in the topic, consumer `process`) found, and where the time went.
import { KIND, type Span } from './otlp.js';

export interface Hop {
  producer: Span;
  consumer: Span;
  /** child: the consumer span is the producer's child; link: it links to the producer span. */
  via: 'child' | 'link';
  topic: string;
  partition?: string;
  offset?: string;
  group?: string;
  /** Producer end → consumer start: how long the message waited in the topic. */
  queueMs: number;
}

export type Row =
  | { type: 'lane'; service: string; spans: number; errors: number }
  | { type: 'span'; span: Span; depth: number; hop?: Hop };

export interface TraceModel {
  spans: Span[];
  byId: Map<string, Span>;
  startMs: number;
  endMs: number;
  durationMs: number;
  services: string[];
  rows: Row[];
  hops: Hop[];
  /** Consumer span id → its hop. */
  hopOf: Map<string, Hop>;
}

const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

function messaging(span: Span, key: string, ...alternatives: string[]): string | undefined {
  for (const k of [key, ...alternatives])
    if (span.attributes[k] !== undefined) return str(span.attributes[k]);
  return undefined;
}

/** The hop that delivered `consumer`'s message from `producer`. */
export function hopBetween(
  producer: Span,
  consumer: Span,
  via: Hop['via'],
  parentOf?: (s: Span) => Span | undefined,
): Hop {
  const poll = parentOf?.(consumer);
  const pick = (key: string, ...alt: string[]) =>
    messaging(consumer, key, ...alt) ??
    (poll ? messaging(poll, key, ...alt) : undefined) ??
    messaging(producer, key, ...alt);
  return {
    producer,
    consumer,
    via,
    topic:
      pick('messaging.destination.name') ?? consumer.name.replace(/^(process|receive|poll) /, ''),
    partition: pick('messaging.destination.partition.id', 'messaging.kafka.partition'),
    offset: pick('messaging.kafka.offset', 'messaging.kafka.message.offset'),
    group: pick('messaging.consumer.group.name', 'messaging.kafka.consumer.group'),
    queueMs: Math.max(0, consumer.startMs - producer.endMs),
  };
}

/** Lanes, rows and hops of a trace's spans (any order). */
export function buildModel(input: Span[]): TraceModel {
  const spans = [...input].sort((a, b) => a.startMs - b.startMs);
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const parentOf = (s: Span) => (s.parentSpanId ? byId.get(s.parentSpanId) : undefined);
  const hops: Hop[] = [];
  const hopOf = new Map<string, Hop>();
  for (const s of spans) {
    if (s.kind !== KIND.consumer) continue;
    const parent = parentOf(s);
    let hop: Hop | undefined;
    if (parent?.kind === KIND.producer) hop = hopBetween(parent, s, 'child', parentOf);
    else
      for (const l of s.links) {
        const p = byId.get(l.spanId);
        if (p?.kind === KIND.producer) {
          hop = hopBetween(p, s, 'link', parentOf);
          break;
        }
      }
    if (hop) {
      hops.push(hop);
      hopOf.set(s.spanId, hop);
    }
  }

  const lanes = new Map<string, Span[]>();
  for (const s of spans) {
    const lane = lanes.get(s.service);
    if (lane) lane.push(s);
    else lanes.set(s.service, [s]);
  }
  const depthCache = new Map<string, number>();
  const depth = (s: Span): number => {
    const cached = depthCache.get(s.spanId);
    if (cached !== undefined) return cached;
    // Depth among the lane's own spans: how many same-service ancestors, following the chain up.
    let d = 0;
    let p = parentOf(s);
    for (let guard = 0; p && guard < 64; guard++, p = parentOf(p)) if (p.service === s.service) d++;
    depthCache.set(s.spanId, d);
    return d;
  };
  const rows: Row[] = [];
  for (const [service, laneSpans] of lanes) {
    rows.push({
      type: 'lane',
      service,
      spans: laneSpans.length,
      errors: laneSpans.filter((s) => s.error).length,
    });
    for (const span of laneSpans) {
      const hop = hopOf.get(span.spanId);
      rows.push({ type: 'span', span, depth: Math.min(depth(span), 8), ...(hop ? { hop } : {}) });
    }
  }
  const startMs = spans.length ? Math.min(...spans.map((s) => s.startMs)) : 0;
  const endMs = spans.length ? Math.max(...spans.map((s) => s.endMs)) : 0;
  return {
    spans,
    byId,
    startMs,
    endMs,
    durationMs: endMs - startMs,
    services: [...lanes.keys()],
    rows,
    hops,
    hopOf,
  };
}

/** Total length of the union of [start, end] intervals. */
export function coveredMs(intervals: [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [from, to] = [-Infinity, -Infinity];
  for (const [s, e] of sorted) {
    if (s > to) {
      if (to > from) total += to - from;
      [from, to] = [s, e];
    } else to = Math.max(to, e);
  }
  if (to > from) total += to - from;
  return total;
}

export interface TimeSummary {
  services: { service: string; busyMs: number; spans: number; errors: number }[];
  topics: {
    topic: string;
    hops: number;
    sendMs: number;
    queueMs: number;
    maxQueueMs: number;
    processMs: number;
  }[];
  queueMs: number;
}

/** Where the time went: each service's busy time (its spans' union), each topic's queue vs work. */
export function timeSummary(model: TraceModel): TimeSummary {
  const services = model.services.map((service) => {
    const own = model.spans.filter((s) => s.service === service);
    return {
      service,
      busyMs: coveredMs(own.map((s) => [s.startMs, s.endMs])),
      spans: own.length,
      errors: own.filter((s) => s.error).length,
    };
  });
  const topics = new Map<string, TimeSummary['topics'][number]>();
  for (const h of model.hops) {
    const t = topics.get(h.topic) ?? {
      topic: h.topic,
      hops: 0,
      sendMs: 0,
      queueMs: 0,
      maxQueueMs: 0,
      processMs: 0,
    };
    t.hops += 1;
    t.sendMs += h.producer.durationMs;
    t.queueMs += h.queueMs;
    t.maxQueueMs = Math.max(t.maxQueueMs, h.queueMs);
    t.processMs += h.consumer.durationMs;
    topics.set(h.topic, t);
  }
  return {
    services: services.sort((a, b) => b.busyMs - a.busyMs),
    topics: [...topics.values()].sort((a, b) => a.topic.localeCompare(b.topic)),
    queueMs: coveredMs(model.hops.map((h) => [h.producer.endMs, h.producer.endMs + h.queueMs])),
  };
}
