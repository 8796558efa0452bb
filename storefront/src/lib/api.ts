// The store's one API client. Every failure becomes an ApiError with a message a shopper can read.
import type { OtlpTrace } from './trace.js';

export interface Product {
  id: string;
  name: string;
  category: string;
  description: string;
  priceCents: number;
  stock: number;
}

export interface Persona {
  name: string;
  token: string;
  customerId: string;
  role: string;
  defaultCountry: string;
}

export interface JourneyEvent {
  type: string;
  topic: string;
  partition: number;
  offset: string;
  service: string;
  at: string;
  sincePlacedMs: number;
}

export interface Order {
  orderId: string;
  country: string;
  items: { productId: string; name: string; quantity: number; unitPriceCents: number }[];
  totalCents: number;
  status: 'pending' | 'completed' | 'failed';
  reason?: string;
  detail?: string;
  placedAt: string;
  traceId: string;
  events: JourneyEvent[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const UNREACHABLE =
  'The store cannot reach the WebStore gateway right now. Is it running? Try again in a moment.';

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, UNREACHABLE);
  }
  if (response.status === 502 || response.status === 504)
    throw new ApiError(response.status, UNREACHABLE);
  const body = await response.json().catch(() => undefined);
  if (!response.ok)
    throw new ApiError(
      response.status,
      (body as { detail?: string } | undefined)?.detail ??
        `The request failed (HTTP ${response.status}).`,
    );
  return body as T;
}

const json = (token: string | undefined, body: unknown): RequestInit => ({
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  },
  body: JSON.stringify(body),
});

export const api = {
  products: (category?: string, q?: string) =>
    request<{ products: Product[] }>(
      `/api/products?${new URLSearchParams({ ...(category ? { category } : {}), ...(q ? { q } : {}) })}`,
    ),
  product: (id: string) => request<Product>(`/api/products/${encodeURIComponent(id)}`),
  personas: () => request<{ personas: Persona[] }>('/api/personas'),
  countries: () => request<{ countries: { code: string; name: string }[] }>('/api/countries'),
  activity: (token: string | undefined, body: Record<string, unknown>) =>
    request<unknown>('/api/activity', json(token, body)).catch(() => undefined),
  /** One key per checkout attempt: a double click or a retry with it places one order. */
  placeOrder: (
    token: string,
    idempotencyKey: string,
    body: {
      items: { productId: string; quantity: number }[];
      country: string;
      paymentSeed?: number;
    },
  ) => {
    const init = json(token, body);
    init.headers = {
      ...(init.headers as Record<string, string>),
      'idempotency-key': idempotencyKey,
    };
    return request<{ orderId: string; traceId: string }>('/api/orders', init);
  },
  /** A short-lived ticket for the order's event stream (EventSource cannot send headers). */
  ticket: (token: string, orderId: string) =>
    request<{ ticket: string; expiresAt: string }>(
      `/api/orders/${encodeURIComponent(orderId)}/ticket`,
      { method: 'POST', headers: { authorization: `Bearer ${token}` } },
    ),
  orders: (token: string) =>
    request<{ orders: Order[] }>('/api/orders?mine', {
      headers: { authorization: `Bearer ${token}` },
    }),
  config: () =>
    (config ??= request<StoreConfig | undefined>('/config.json')
      // Vite's dev server has no /config.json (it answers the app's HTML): the defaults then.
      .then((c) => (typeof c?.consoleUrl === 'string' ? c : FALLBACK))
      .catch(() => FALLBACK)),
  /** The order's trace as the console holds it (OTLP/JSON), read through the store's server. */
  trace: (traceId: string) =>
    request<OtlpTrace>(`/console-api/traces/${encodeURIComponent(traceId)}`),
};

export interface StoreConfig {
  consoleUrl: string;
  /** Grafana's URL where there is one (the full stack): the journey links the trace to Tempo. */
  grafanaUrl?: string;
  /** Whether the store's server forwards browser telemetry (then the Web SDK loads). */
  telemetry: boolean;
}
let config: Promise<StoreConfig> | undefined;
const FALLBACK: StoreConfig = { consoleUrl: 'http://localhost:3002', telemetry: false };

export const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;
