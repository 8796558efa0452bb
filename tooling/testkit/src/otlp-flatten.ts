// Turns OTLP export requests (protobuf decoded with `toObject`, or OTLP/JSON) into flat records
// that tests can assert on. Both encodings use lowerCamelCase field names; they differ in how
// ids (bytes vs hex strings), 64-bit integers (Long/string vs number) and enums are spelled.

export type Attributes = Record<string, unknown>;

export type FlatSpanKind =
  'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';

export interface FlatSpan {
  traceId: string;
  spanId: string;
  /** Absent for a root span. */
  parentSpanId?: string;
  name: string;
  kind: FlatSpanKind;
  serviceName: string;
  resource: Attributes;
  scope: { name: string; version?: string };
  attributes: Attributes;
  events: { name: string; timeUnixNano: bigint; attributes: Attributes }[];
  links: { traceId: string; spanId: string; attributes: Attributes }[];
  status: { code: 'UNSET' | 'OK' | 'ERROR'; message?: string };
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
}

export interface FlatLog {
  body: unknown;
  severityText?: string;
  severityNumber?: number;
  traceId?: string;
  spanId?: string;
  attributes: Attributes;
  serviceName: string;
  resource: Attributes;
  scope: { name: string; version?: string };
  timeUnixNano: bigint;
}

export type FlatMetricType = 'sum' | 'gauge' | 'histogram' | 'exponentialHistogram' | 'summary';

export interface FlatDataPoint {
  attributes: Attributes;
  /** Sums and gauges. */
  value?: number;
  /** Histograms. */
  count?: number;
  sum?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
}

export interface FlatMetric {
  name: string;
  description?: string;
  unit?: string;
  type: FlatMetricType;
  /** Sums only. */
  monotonic?: boolean;
  serviceName: string;
  resource: Attributes;
  scope: { name: string; version?: string };
  dataPoints: FlatDataPoint[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

const SPAN_KINDS: FlatSpanKind[] = [
  'UNSPECIFIED',
  'INTERNAL',
  'SERVER',
  'CLIENT',
  'PRODUCER',
  'CONSUMER',
];
const STATUS_CODES = ['UNSET', 'OK', 'ERROR'] as const;

/** Hex of an id given as bytes (protobuf) or as a hex string (OTLP/JSON); undefined when empty. */
export function idToHex(id: unknown): string | undefined {
  if (id === undefined || id === null) return undefined;
  let hex: string;
  if (typeof id === 'string') {
    hex = /^[0-9a-fA-F]*$/.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex');
  } else if (id instanceof Uint8Array) {
    hex = Buffer.from(id).toString('hex');
  } else {
    return undefined;
  }
  return hex.length === 0 || /^0+$/.test(hex) ? undefined : hex;
}

function toBigInt(value: unknown): bigint {
  if (value === undefined || value === null || value === '') return 0n;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  return BigInt(String(value));
}

function toNumber(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  return Number(typeof value === 'object' ? String(value) : value);
}

function enumIndex(value: unknown, names: readonly string[], prefix: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const index = names.indexOf(value.replace(prefix, ''));
    return index < 0 ? 0 : index;
  }
  return 0;
}

/** Plain JS value of an OTLP AnyValue. */
export function anyValue(value: Obj): unknown {
  if (value === undefined || value === null) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return toNumber(value.intValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('arrayValue' in value) return ((value.arrayValue?.values ?? []) as Obj[]).map(anyValue);
  if ('kvlistValue' in value) return attributes(value.kvlistValue?.values);
  if ('bytesValue' in value) return Buffer.from(value.bytesValue ?? []);
  return undefined;
}

export function attributes(list: Obj[] | undefined): Attributes {
  const result: Attributes = {};
  for (const kv of list ?? []) result[kv.key] = anyValue(kv.value);
  return result;
}

function scopeOf(scope: Obj): { name: string; version?: string } {
  return { name: scope?.name ?? '', ...(scope?.version ? { version: scope.version } : {}) };
}

function resourceOf(resource: Obj): { resource: Attributes; serviceName: string } {
  const attrs = attributes(resource?.attributes);
  return { resource: attrs, serviceName: String(attrs['service.name'] ?? '') };
}

export function flattenTraces(request: Obj): FlatSpan[] {
  const spans: FlatSpan[] = [];
  for (const rs of request?.resourceSpans ?? []) {
    const { resource, serviceName } = resourceOf(rs.resource);
    for (const ss of rs.scopeSpans ?? []) {
      const scope = scopeOf(ss.scope);
      for (const span of ss.spans ?? []) {
        const parentSpanId = idToHex(span.parentSpanId);
        const statusMessage = span.status?.message;
        spans.push({
          traceId: idToHex(span.traceId) ?? '',
          spanId: idToHex(span.spanId) ?? '',
          ...(parentSpanId ? { parentSpanId } : {}),
          name: span.name ?? '',
          kind: SPAN_KINDS[enumIndex(span.kind, SPAN_KINDS, 'SPAN_KIND_')] ?? 'UNSPECIFIED',
          serviceName,
          resource,
          scope,
          attributes: attributes(span.attributes),
          events: ((span.events ?? []) as Obj[]).map((event) => ({
            name: event.name ?? '',
            timeUnixNano: toBigInt(event.timeUnixNano),
            attributes: attributes(event.attributes),
          })),
          links: ((span.links ?? []) as Obj[]).map((link) => ({
            traceId: idToHex(link.traceId) ?? '',
            spanId: idToHex(link.spanId) ?? '',
            attributes: attributes(link.attributes),
          })),
          status: {
            code:
              STATUS_CODES[enumIndex(span.status?.code, STATUS_CODES, 'STATUS_CODE_')] ?? 'UNSET',
            ...(statusMessage ? { message: statusMessage } : {}),
          },
          startTimeUnixNano: toBigInt(span.startTimeUnixNano),
          endTimeUnixNano: toBigInt(span.endTimeUnixNano),
        });
      }
    }
  }
  return spans;
}

export function flattenLogs(request: Obj): FlatLog[] {
  const logs: FlatLog[] = [];
  for (const rl of request?.resourceLogs ?? []) {
    const { resource, serviceName } = resourceOf(rl.resource);
    for (const sl of rl.scopeLogs ?? []) {
      const scope = scopeOf(sl.scope);
      for (const record of sl.logRecords ?? []) {
        const traceId = idToHex(record.traceId);
        const spanId = idToHex(record.spanId);
        logs.push({
          body: anyValue(record.body),
          ...(record.severityText ? { severityText: record.severityText } : {}),
          ...(record.severityNumber !== undefined
            ? { severityNumber: enumIndex(record.severityNumber, [], '') }
            : {}),
          ...(traceId ? { traceId } : {}),
          ...(spanId ? { spanId } : {}),
          attributes: attributes(record.attributes),
          serviceName,
          resource,
          scope,
          timeUnixNano: toBigInt(record.timeUnixNano ?? record.observedTimeUnixNano),
        });
      }
    }
  }
  return logs;
}

function numberPoint(point: Obj): FlatDataPoint {
  const value = point.asDouble ?? point.asInt;
  return {
    attributes: attributes(point.attributes),
    ...(value !== undefined ? { value: Number(value) } : {}),
  };
}

function histogramPoint(point: Obj): FlatDataPoint {
  return {
    attributes: attributes(point.attributes),
    count: toNumber(point.count) ?? 0,
    ...(point.sum !== undefined ? { sum: Number(point.sum) } : {}),
    bucketCounts: ((point.bucketCounts ?? []) as unknown[]).map((c) => toNumber(c) ?? 0),
    explicitBounds: ((point.explicitBounds ?? []) as unknown[]).map(Number),
  };
}

export function flattenMetrics(request: Obj): FlatMetric[] {
  const metrics: FlatMetric[] = [];
  for (const rm of request?.resourceMetrics ?? []) {
    const { resource, serviceName } = resourceOf(rm.resource);
    for (const sm of rm.scopeMetrics ?? []) {
      const scope = scopeOf(sm.scope);
      for (const metric of sm.metrics ?? []) {
        const base = {
          name: metric.name ?? '',
          ...(metric.description ? { description: metric.description } : {}),
          ...(metric.unit ? { unit: metric.unit } : {}),
          serviceName,
          resource,
          scope,
        };
        if (metric.sum) {
          metrics.push({
            ...base,
            type: 'sum',
            monotonic: Boolean(metric.sum.isMonotonic),
            dataPoints: ((metric.sum.dataPoints ?? []) as Obj[]).map(numberPoint),
          });
        } else if (metric.gauge) {
          metrics.push({
            ...base,
            type: 'gauge',
            dataPoints: ((metric.gauge.dataPoints ?? []) as Obj[]).map(numberPoint),
          });
        } else if (metric.histogram) {
          metrics.push({
            ...base,
            type: 'histogram',
            dataPoints: ((metric.histogram.dataPoints ?? []) as Obj[]).map(histogramPoint),
          });
        } else if (metric.exponentialHistogram) {
          metrics.push({ ...base, type: 'exponentialHistogram', dataPoints: [] });
        } else if (metric.summary) {
          metrics.push({ ...base, type: 'summary', dataPoints: [] });
        }
      }
    }
  }
  return metrics;
}
