// The console UI's one API client. Every failure becomes an ApiError whose message a person can
// read: the problem+json `detail` when the console sent one, else what went wrong on the way.

export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootName: string;
  startTime: string;
  startTimeUnixNano: string;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  services: string[];
  topics: string[];
  orderId?: string;
  country?: string;
  synthetic?: boolean;
  replay?: boolean;
  incomplete: boolean;
}

export interface LogEntry {
  id: number;
  time: string;
  timeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: unknown;
  service: string;
  traceId: string | null;
  spanId: string | null;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

export interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  bytesValue?: string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
}
export interface KeyValue {
  key: string;
  value: AnyValue;
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: KeyValue[];
  events?: { timeUnixNano: string; name: string; attributes?: KeyValue[] }[];
  links?: { traceId: string; spanId: string; attributes?: KeyValue[] }[];
  status?: { code?: number; message?: string };
}
export interface OtlpTrace {
  resourceSpans: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans: { scope?: { name?: string; version?: string }; spans: OtlpSpan[] }[];
  }[];
}

export interface ServiceInfo {
  name: string;
  spanCount: number;
  logCount: number;
  metricSeries: number;
  lastSeen: string;
}

export interface MapEdge {
  source: string;
  target: string;
  kind: 'produce' | 'consume';
  group?: string;
  count: number;
  ratePerSec: number;
  errorShare: number;
  p95Ms: number;
}
export interface ServiceMap {
  from: string;
  to: string;
  nodes: { id: string; kind: 'service' | 'topic' }[];
  edges: MapEdge[];
}

export interface MetricInfo {
  name: string;
  type: string;
  labels: string[];
  description?: string;
}
export interface MetricSeries {
  labels: Record<string, string>;
  points: [number, number | null][];
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    /** The problem document's type slug (`…/problems/<slug>`), when the console sent one. */
    readonly problem?: string,
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

/** `?a=1&b=2` of the set (non-empty) values. */
export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The problem+json `detail` of a failed response, else its status line. */
export async function problemDetail(response: Response): Promise<string> {
  return (await problemOf(response)).detail;
}

/** The detail and the type slug of a failed response's problem document. */
async function problemOf(response: Response): Promise<{ detail: string; slug?: string }> {
  let detail = `${response.status} ${response.statusText}`;
  try {
    const problem = (await response.json()) as { detail?: string; title?: string; type?: string };
    detail = problem.detail ?? problem.title ?? detail;
    return { detail, slug: problem.type?.split('/').pop() };
  } catch {
    // not problem+json: the status line says enough
  }
  return { detail };
}

export async function get<T>(
  path: string,
  query?: Query,
  signal?: AbortSignal,
  init: RequestInit = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${path}${queryString(query)}`, { ...init, signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(`The console API is not answering (${(err as Error).message}).`, 0);
  }
  if (!response.ok) {
    const { detail, slug } = await problemOf(response);
    throw new ApiError(detail, response.status, slug);
  }
  return (await response.json()) as T;
}

/** A pending or firing alert of the Prometheus that evaluates the rules (`GET /api/alerts`). */
export interface Alert {
  name: string;
  state: 'pending' | 'firing';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  activeAt: string | null;
  value: number | null;
}

export const api = {
  alerts: (signal?: AbortSignal) =>
    get<{ prometheusUrl: string; alerts: Alert[] }>('/api/alerts', {}, signal),
  traces: (q: Query, signal?: AbortSignal) =>
    get<{ traces: TraceSummary[]; next: string | null }>('/api/traces', q, signal),
  trace: (id: string, signal?: AbortSignal) =>
    get<OtlpTrace>(`/api/traces/${encodeURIComponent(id)}`, {}, signal),
  linked: (id: string, signal?: AbortSignal) =>
    get<OtlpTrace>(`/api/traces/${encodeURIComponent(id)}/linked`, {}, signal),
  logs: (q: Query, signal?: AbortSignal) =>
    get<{ logs: LogEntry[]; next: string | null }>('/api/logs', q, signal),
  services: (signal?: AbortSignal) => get<{ services: ServiceInfo[] }>('/api/services', {}, signal),
  serviceMap: (q: Query, signal?: AbortSignal) => get<ServiceMap>('/api/service-map', q, signal),
  metrics: (signal?: AbortSignal) => get<{ metrics: MetricInfo[] }>('/api/metrics', {}, signal),
  query: (q: Query, signal?: AbortSignal) =>
    get<{ name: string; fn: string; stepMs: number; series: MetricSeries[] }>(
      '/api/metrics/query',
      q,
      signal,
    ),
};
