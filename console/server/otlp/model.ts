// What the receiver hands the store: one record per span, log record and metric data point, each
// carrying its OTLP/JSON encoding (served back verbatim) plus the columns the store indexes.

export interface ResourceRef {
  /** OTLP/JSON `resource` object, stringified; also the key the store deduplicates on. */
  json: string;
  schemaUrl: string;
  service: string;
  /** `service.instance.id`, so two processes of one service are two metric series. */
  instance: string;
}

export interface ScopeRef {
  /** OTLP/JSON `scope` object, stringified. */
  json: string;
  schemaUrl: string;
}

export interface SpanRecord {
  resource: ResourceRef;
  scope: ScopeRef;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  statusCode: number;
  /** The whole span in OTLP/JSON, stringified. */
  json: string;
  orderId: string | undefined;
  country: string | undefined;
  synthetic: boolean;
  replay: boolean;
  topic: string | undefined;
  partition: number | undefined;
  offset: string | undefined;
  group: string | undefined;
  links: { traceId: string; spanId: string }[];
}

export interface LogRecordRow {
  resource: ResourceRef;
  scope: ScopeRef;
  timeNs: bigint;
  observedNs: bigint;
  severityNumber: number;
  severityText: string;
  /** OTLP/JSON AnyValue of the body, stringified. */
  bodyJson: string;
  /** The body as searchable text. */
  bodyText: string;
  /** OTLP/JSON KeyValue list, stringified. */
  attributesJson: string;
  traceId: string;
  spanId: string;
  flags: number;
  eventName: string;
  synthetic: boolean;
  replay: boolean;
}

export type MetricType = 'sum' | 'gauge' | 'histogram' | 'exponential_histogram' | 'summary';

export interface MetricPointRecord {
  name: string;
  description: string;
  unit: string;
  type: MetricType;
  monotonic: boolean;
  /** 1 delta, 2 cumulative, 0 for gauges. */
  temporality: number;
  service: string;
  instance: string;
  /** Data point attributes as strings, the labels of the series. */
  labels: Record<string, string>;
  startNs: bigint;
  timeNs: bigint;
  value: number | undefined;
  count: number | undefined;
  sum: number | undefined;
  /** Per-bucket (not cumulative) counts; histograms only. */
  bucketCounts: number[] | undefined;
  /** Upper bounds; the last bucket is +Inf. */
  bounds: number[] | undefined;
}

export interface Ingested<R> {
  records: R[];
  rejected: number;
  /** The first reason something was rejected, for the partial-success message. */
  errorMessage: string;
}
