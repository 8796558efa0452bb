// Export requests (protobuf-decoded or OTLP/JSON) → store records. An item that is malformed (a span
// without a valid id, a histogram whose buckets do not match its bounds) is rejected on its own and
// counted for the partial-success answer; the rest of the request is kept.
import type {
  Ingested,
  LogRecordRow,
  MetricPointRecord,
  MetricType,
  ResourceRef,
  ScopeRef,
  SpanRecord,
} from './model.js';
import {
  attributeFlag,
  attributeString,
  count,
  double,
  enumValue,
  hexId,
  int64,
  InvalidItem,
  keyValues,
  list,
  plain,
  plainAttributes,
  text,
  uint,
  anyValue,
  type KeyValue,
  type Loose,
} from './values.js';

const SPAN_KINDS = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
const TEMPORALITIES = [
  'AGGREGATION_TEMPORALITY_UNSPECIFIED',
  'AGGREGATION_TEMPORALITY_DELTA',
  'AGGREGATION_TEMPORALITY_CUMULATIVE',
];
const SEVERITIES = ['SEVERITY_NUMBER_UNSPECIFIED'];

class Collector<R> implements Ingested<R> {
  records: R[] = [];
  rejected = 0;
  errorMessage = '';
  reject(n: number, err: unknown): void {
    if (!(err instanceof InvalidItem)) throw err;
    this.rejected += n;
    if (!this.errorMessage) this.errorMessage = err.message;
  }
}

/** Throws InvalidItem when the top level is not an export request of this signal. */
function topLevel(request: Loose, field: string): Loose[] {
  if (typeof request !== 'object' || request === null || Array.isArray(request))
    throw new InvalidItem('the request body is not an export request object');
  return list(request[field], field);
}

function resourceOf(raw: Loose): ResourceRef {
  const attributes = keyValues(raw?.resource?.attributes);
  const dropped = uint(raw?.resource?.droppedAttributesCount, 'droppedAttributesCount');
  return {
    json: JSON.stringify({
      attributes,
      ...(dropped ? { droppedAttributesCount: dropped } : {}),
    }),
    schemaUrl: text(raw?.schemaUrl, 'schemaUrl'),
    service: attributeString(attributes, 'service.name') ?? 'unknown_service',
    instance: attributeString(attributes, 'service.instance.id') ?? '',
  };
}

function scopeOf(raw: Loose): ScopeRef {
  const scope = raw?.scope ?? {};
  const attributes = keyValues(scope.attributes);
  const version = text(scope.version, 'scope.version');
  return {
    json: JSON.stringify({
      name: text(scope.name, 'scope.name'),
      ...(version ? { version } : {}),
      ...(attributes.length ? { attributes } : {}),
    }),
    schemaUrl: text(raw?.schemaUrl, 'schemaUrl'),
  };
}

function dropped(value: Loose, what: string): Record<string, number> {
  const n = uint(value, what);
  return n ? { [what]: n } : {};
}

function partitionOf(attributes: KeyValue[]): number | undefined {
  const raw = attributeString(attributes, 'messaging.destination.partition.id');
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) ? n : undefined;
}

function decodeSpan(raw: Loose, resource: ResourceRef, scope: ScopeRef): SpanRecord {
  const traceId = hexId(raw.traceId, 16, 'traceId');
  const spanId = hexId(raw.spanId, 8, 'spanId');
  if (!traceId || !spanId) throw new InvalidItem('a span has no traceId or spanId');
  const parentSpanId = hexId(raw.parentSpanId, 8, 'parentSpanId');
  const kind = enumValue(raw.kind, SPAN_KINDS, 'kind');
  const startNs = int64(raw.startTimeUnixNano, 'startTimeUnixNano');
  const endNs = int64(raw.endTimeUnixNano, 'endTimeUnixNano');
  const attributes = keyValues(raw.attributes);
  const statusCode = enumValue(raw.status?.code, STATUS_CODES, 'status.code');
  const statusMessage = text(raw.status?.message, 'status.message');
  const traceState = text(raw.traceState, 'traceState');
  const flags = uint(raw.flags, 'flags');
  const events = list(raw.events, 'events').map((e: Loose) => ({
    timeUnixNano: String(int64(e.timeUnixNano, 'event timeUnixNano')),
    name: text(e.name, 'event name'),
    attributes: keyValues(e.attributes),
    ...dropped(e.droppedAttributesCount, 'droppedAttributesCount'),
  }));
  const links = list(raw.links, 'links').map((l: Loose) => {
    const linkState = text(l.traceState, 'link traceState');
    const linkFlags = uint(l.flags, 'link flags');
    return {
      traceId: hexId(l.traceId, 16, 'link traceId'),
      spanId: hexId(l.spanId, 8, 'link spanId'),
      ...(linkState ? { traceState: linkState } : {}),
      attributes: keyValues(l.attributes),
      ...dropped(l.droppedAttributesCount, 'droppedAttributesCount'),
      ...(linkFlags ? { flags: linkFlags } : {}),
    };
  });
  const json = JSON.stringify({
    traceId,
    spanId,
    ...(traceState ? { traceState } : {}),
    ...(parentSpanId ? { parentSpanId } : {}),
    ...(flags ? { flags } : {}),
    name: text(raw.name, 'name'),
    kind,
    startTimeUnixNano: String(startNs),
    endTimeUnixNano: String(endNs),
    attributes,
    ...dropped(raw.droppedAttributesCount, 'droppedAttributesCount'),
    events,
    ...dropped(raw.droppedEventsCount, 'droppedEventsCount'),
    links,
    ...dropped(raw.droppedLinksCount, 'droppedLinksCount'),
    status: { code: statusCode, ...(statusMessage ? { message: statusMessage } : {}) },
  });
  return {
    resource,
    scope,
    traceId,
    spanId,
    parentSpanId,
    name: text(raw.name, 'name'),
    kind,
    startNs,
    endNs: endNs < startNs ? startNs : endNs,
    statusCode,
    json,
    orderId: attributeString(attributes, 'order.id'),
    country: attributeString(attributes, 'customer.country'),
    synthetic: attributeFlag(attributes, 'webstore.synthetic'),
    replay: attributeFlag(attributes, 'webstore.replay'),
    topic: attributeString(attributes, 'messaging.destination.name'),
    partition: partitionOf(attributes),
    offset: attributeString(attributes, 'messaging.kafka.offset'),
    group: attributeString(attributes, 'messaging.consumer.group.name'),
    links: links.filter((l) => l.traceId && l.spanId),
  };
}

/** ExportTraceServiceRequest → spans. */
export function decodeTraces(request: Loose): Ingested<SpanRecord> {
  const out = new Collector<SpanRecord>();
  for (const rs of topLevel(request, 'resourceSpans')) {
    let resource: ResourceRef;
    let scopes: Loose[];
    try {
      resource = resourceOf(rs);
      scopes = list(rs?.scopeSpans, 'scopeSpans');
    } catch (err) {
      out.reject(countNested(rs?.scopeSpans, 'spans'), err);
      continue;
    }
    for (const ss of scopes) {
      let scope: ScopeRef;
      let spans: Loose[];
      try {
        scope = scopeOf(ss);
        spans = list(ss?.spans, 'spans');
      } catch (err) {
        out.reject(Array.isArray(ss?.spans) ? ss.spans.length : 1, err);
        continue;
      }
      for (const span of spans) {
        try {
          if (typeof span !== 'object' || span === null)
            throw new InvalidItem('a span is not an object');
          out.records.push(decodeSpan(span, resource, scope));
        } catch (err) {
          out.reject(1, err);
        }
      }
    }
  }
  return out;
}

function bodyText(body: ReturnType<typeof anyValue>): string {
  if ('stringValue' in body) return body.stringValue;
  const value = plain(body);
  return value === null ? '' : JSON.stringify(value);
}

/** ExportLogsServiceRequest → log records. */
export function decodeLogs(request: Loose): Ingested<LogRecordRow> {
  const out = new Collector<LogRecordRow>();
  for (const rl of topLevel(request, 'resourceLogs')) {
    const resource = safely(out, () => resourceOf(rl), countNested(rl?.scopeLogs, 'logRecords'));
    if (!resource) continue;
    for (const sl of safeList(out, rl, 'scopeLogs', 'logRecords')) {
      const scope = safely(
        out,
        () => scopeOf(sl),
        Array.isArray(sl?.logRecords) ? sl.logRecords.length : 1,
      );
      if (!scope) continue;
      for (const record of safeList(out, sl, 'logRecords')) {
        try {
          if (typeof record !== 'object' || record === null)
            throw new InvalidItem('a log record is not an object');
          const attributes = keyValues(record.attributes);
          const body = anyValue(record.body);
          const observedNs = int64(record.observedTimeUnixNano, 'observedTimeUnixNano');
          const timeNs = int64(record.timeUnixNano, 'timeUnixNano') || observedNs;
          out.records.push({
            resource,
            scope,
            timeNs: timeNs || BigInt(Date.now()) * 1_000_000n,
            observedNs,
            severityNumber: enumValue(record.severityNumber, SEVERITIES, 'severityNumber'),
            severityText: text(record.severityText, 'severityText'),
            bodyJson: JSON.stringify(body),
            bodyText: bodyText(body),
            attributesJson: JSON.stringify(attributes),
            traceId: hexId(record.traceId, 16, 'traceId'),
            spanId: hexId(record.spanId, 8, 'spanId'),
            flags: uint(record.flags, 'flags'),
            eventName: text(record.eventName, 'eventName'),
            synthetic: attributeFlag(attributes, 'webstore.synthetic'),
            replay: attributeFlag(attributes, 'webstore.replay'),
          });
        } catch (err) {
          out.reject(1, err);
        }
      }
    }
  }
  return out;
}

function safely<R, T>(out: Collector<R>, make: () => T, items: number): T | undefined {
  try {
    return make();
  } catch (err) {
    out.reject(items, err);
    return undefined;
  }
}

function safeList<R>(out: Collector<R>, parent: Loose, field: string, nested?: string): Loose[] {
  try {
    return list(parent?.[field], field);
  } catch (err) {
    out.reject(nested ? countNested(parent?.[field], nested) : 1, err);
    return [];
  }
}

function countNested(raw: Loose, field: string): number {
  if (!Array.isArray(raw)) return 1;
  return raw.reduce(
    (n: number, item: Loose) => n + (Array.isArray(item?.[field]) ? item[field].length : 1),
    0,
  );
}

const POINT_FIELDS: Record<MetricType, string> = {
  sum: 'sum',
  gauge: 'gauge',
  histogram: 'histogram',
  exponential_histogram: 'exponentialHistogram',
  summary: 'summary',
};

function labelsOf(attributes: KeyValue[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(plainAttributes(attributes)))
    labels[key] =
      typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  return labels;
}

function decodePoint(
  point: Loose,
  type: MetricType,
  base: Omit<
    MetricPointRecord,
    'labels' | 'startNs' | 'timeNs' | 'value' | 'count' | 'sum' | 'bucketCounts' | 'bounds'
  >,
): MetricPointRecord {
  if (typeof point !== 'object' || point === null)
    throw new InvalidItem('a data point is not an object');
  const record: MetricPointRecord = {
    ...base,
    labels: labelsOf(keyValues(point.attributes)),
    startNs: int64(point.startTimeUnixNano, 'startTimeUnixNano'),
    timeNs: int64(point.timeUnixNano, 'timeUnixNano'),
    value: undefined,
    count: undefined,
    sum: undefined,
    bucketCounts: undefined,
    bounds: undefined,
  };
  if (record.timeNs === 0n)
    throw new InvalidItem(`a data point of ${base.name} has no timeUnixNano`);
  if (type === 'sum' || type === 'gauge') {
    record.value =
      point.asDouble != null ? double(point.asDouble, 'asDouble') : count(point.asInt, 'asInt');
    return record;
  }
  record.count = count(point.count, 'count');
  record.sum = double(point.sum, 'sum');
  if (type === 'histogram') {
    const buckets = list(point.bucketCounts, 'bucketCounts').map((c) => count(c, 'bucketCounts'));
    const bounds = list(point.explicitBounds, 'explicitBounds').map((b) =>
      double(b, 'explicitBounds')!,
    );
    if (buckets.length !== 0 && buckets.length !== bounds.length + 1)
      throw new InvalidItem(
        `a histogram point of ${base.name} has ${buckets.length} buckets for ${bounds.length} bounds`,
      );
    record.bucketCounts = buckets;
    record.bounds = bounds;
  }
  return record;
}

/** ExportMetricsServiceRequest → data points. */
export function decodeMetrics(request: Loose): Ingested<MetricPointRecord> {
  const out = new Collector<MetricPointRecord>();
  for (const rm of topLevel(request, 'resourceMetrics')) {
    const resource = safely(out, () => resourceOf(rm), countNested(rm?.scopeMetrics, 'metrics'));
    if (!resource) continue;
    for (const sm of safeList(out, rm, 'scopeMetrics', 'metrics')) {
      for (const metric of safeList(out, sm, 'metrics')) {
        const type = (Object.keys(POINT_FIELDS) as MetricType[]).find(
          (t) => metric?.[POINT_FIELDS[t]] != null,
        );
        const data = type ? metric[POINT_FIELDS[type]] : undefined;
        const points = Array.isArray(data?.dataPoints) ? data.dataPoints : [];
        try {
          if (typeof metric?.name !== 'string' || metric.name === '')
            throw new InvalidItem('a metric has no name');
          if (!type) throw new InvalidItem(`metric ${metric.name} has no data`);
          const base = {
            name: metric.name as string,
            description: text(metric.description, 'description'),
            unit: text(metric.unit, 'unit'),
            type,
            monotonic: type === 'sum' && Boolean(data.isMonotonic),
            temporality:
              type === 'gauge'
                ? 0
                : enumValue(data.aggregationTemporality, TEMPORALITIES, 'aggregationTemporality'),
            service: resource.service,
            instance: resource.instance,
          };
          for (const point of list(data.dataPoints, 'dataPoints')) {
            try {
              out.records.push(decodePoint(point, type, base));
            } catch (err) {
              out.reject(1, err);
            }
          }
        } catch (err) {
          out.reject(Math.max(1, points.length), err);
        }
      }
    }
  }
  return out;
}
