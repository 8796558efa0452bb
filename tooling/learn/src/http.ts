// The public interfaces the exercises use: the console's JSON API, the gateway, a service's
// readiness, Prometheus's query API. Each call names what it asked when it fails.
export async function getJson<T>(url: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new Error(`${init.method ?? 'GET'} ${url}: no answer (${code})`, { cause: err });
  }
  const text = await response.text();
  if (!response.ok)
    throw new Error(
      `${init.method ?? 'GET'} ${url}: HTTP ${response.status} ${text.slice(0, 300)}`,
    );
  return JSON.parse(text) as T;
}

export async function isOk(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(3000) }).then(
    (r) => r.ok,
    () => false,
  );
}

export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootName: string;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  services: string[];
  topics: string[];
  orderId?: string;
  country?: string;
  incomplete: boolean;
}

export interface Span {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  durationMs: number;
  attributes: Record<string, string | number | boolean>;
  links: { traceId: string; spanId: string }[];
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: OtlpValue }[];
  links: { traceId: string; spanId: string }[];
}
interface OtlpTrace {
  resourceSpans: {
    resource: { attributes: { key: string; value: OtlpValue }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

const plain = (v: OtlpValue) =>
  v.stringValue ??
  (v.intValue !== undefined ? Number(v.intValue) : undefined) ??
  v.doubleValue ??
  v.boolValue ??
  '';

/** Flattens the console's OTLP/JSON trace into spans with their service and duration. */
export function spansOf(trace: OtlpTrace): Span[] {
  return trace.resourceSpans.flatMap((rs) => {
    const service = String(
      plain(rs.resource.attributes.find((a) => a.key === 'service.name')?.value ?? {}),
    );
    return rs.scopeSpans.flatMap((ss) =>
      ss.spans.map((s) => ({
        service,
        traceId: s.traceId,
        spanId: s.spanId,
        ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
        name: s.name,
        kind: s.kind,
        durationMs: Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1e6,
        attributes: Object.fromEntries(s.attributes.map((a) => [a.key, plain(a.value)])),
        links: s.links ?? [],
      })),
    );
  });
}

export const SPAN_KIND = { server: 2, producer: 4, consumer: 5 } as const;

export interface LogEntry {
  time: string;
  severityText: string;
  body: unknown;
  service: string;
  traceId: string | null;
  attributes: Record<string, unknown>;
}

export interface MetricSeries {
  labels: Record<string, string>;
  points: [number, number | null][];
}

export function consoleApi(base: string) {
  return {
    traces: (query: string) =>
      getJson<{ traces: TraceSummary[] }>(`${base}/api/traces?${query}`).then((r) => r.traces),
    trace: (traceId: string) => getJson<OtlpTrace>(`${base}/api/traces/${traceId}`).then(spansOf),
    linked: (traceId: string) =>
      getJson<OtlpTrace>(`${base}/api/traces/${traceId}/linked`).then(spansOf),
    logs: (query: string) =>
      getJson<{ logs: LogEntry[] }>(`${base}/api/logs?${query}`).then((r) => r.logs),
    metricNames: () =>
      getJson<{ metrics: { name: string; prometheusNames: string[]; services: string[] }[] }>(
        `${base}/api/metrics`,
      ).then((r) => r.metrics),
    /** `/api/metrics/query?<query>`: the series. */
    query: (query: string) =>
      getJson<{ series: MetricSeries[] }>(`${base}/api/metrics/query?${query}`).then(
        (r) => r.series,
      ),
    alerts: () =>
      getJson<{ alerts: { name: string; state: string; labels: Record<string, string> }[] }>(
        `${base}/api/alerts`,
      ).then((r) => r.alerts),
  };
}

/** Sum of the last non-null point of each series, by the value of `label`. */
export function totalsBy(series: MetricSeries[], label: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const s of series) {
    const value = [...s.points].reverse().find(([, v]) => v !== null)?.[1] ?? 0;
    const key = s.labels[label] ?? '';
    totals.set(key, (totals.get(key) ?? 0) + value);
  }
  return totals;
}

/** Sum over every point of every series (increase per step adds up to the increase over the range). */
export function sumPoints(series: MetricSeries[]): number {
  return series.reduce((n, s) => n + s.points.reduce((m, [, v]) => m + (v ?? 0), 0), 0);
}

/** The operator's admin token: ADMIN_TOKEN, or the demo admin token `npm start` accepts. */
export const adminToken = () => process.env.ADMIN_TOKEN?.trim() || 'admin-token-456';

export async function setSlowConsumer(
  gateway: string,
  service: 'inventory' | 'payment' | 'analytics',
  delayMs: number,
): Promise<void> {
  await getJson(`${gateway}/api/admin/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken()}` },
    body: JSON.stringify({ slowConsumer: { service, delayMs } }),
  });
}

export interface OrderView {
  orderId: string;
  status: 'pending' | 'completed' | 'failed';
  reason?: string;
  traceId: string;
  sagaComplete: boolean;
  events: { type: string; topic: string; offset: string; replay?: true }[];
}

/** The demo shopper's token, as the guides quote it. */
export const USER_TOKEN = 'user-token-123';

/** The guides' checkout: one lamp to `country`, by the demo shopper. */
export const orderCommand = (country: string) =>
  `curl -s -X POST localhost:8000/api/orders -H 'Authorization: Bearer ${USER_TOKEN}' -H 'Content-Type: application/json' -d '{"items":[{"productId":"sku-lamp","quantity":1}],"country":"${country}"}'`;

export function placeOrder(
  gateway: string,
  country: string,
): Promise<{ orderId: string; traceId: string; status: string }> {
  return getJson(`${gateway}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${USER_TOKEN}` },
    body: JSON.stringify({ items: [{ productId: 'sku-lamp', quantity: 1 }], country }),
  });
}

/** An order as its customer sees it (`token`: the admin token sees every customer's). */
export function getOrder(gateway: string, orderId: string, token = USER_TOKEN): Promise<OrderView> {
  return getJson(`${gateway}/api/orders/${orderId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
}

/** The payment outcomes in an order's journey (exactly one when nobody was charged twice). */
export const paymentOutcomes = (order: OrderView) =>
  order.events.filter((e) => e.type === 'PaymentAuthorized' || e.type === 'PaymentDeclined');

/** Sums a metric in a service's Prometheus text (`/metrics`) over the series `where` accepts. */
export async function scrapeSum(
  url: string,
  name: string,
  where: (labels: Record<string, string>) => boolean = () => true,
): Promise<number> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) }).catch((err: Error) => {
    throw new Error(`GET ${url}: no answer (${err.message})`, { cause: err });
  });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  let sum = 0;
  for (const line of (await response.text()).split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]),
    );
    if (where(labels)) sum += Number(m[3]);
  }
  return sum;
}

/** Turns a consumer's failing-handler fault switch (PUT /admin/faults on its management port). */
export async function setFailing(serviceUrl: string, eventTypes: string[]): Promise<void> {
  await getJson(`${serviceUrl}/admin/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken()}` },
    body: JSON.stringify({ failEventTypes: eventTypes }),
  });
}
