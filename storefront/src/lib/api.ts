// The store's one API client. Every failure becomes an ApiError with a message a shopper can read.
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
  placeOrder: (
    token: string,
    body: {
      items: { productId: string; quantity: number }[];
      country: string;
      paymentSeed?: number;
    },
  ) => request<{ orderId: string; traceId: string }>('/api/orders', json(token, body)),
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
    request<{ consoleUrl: string; grafanaUrl: string }>('/config.json').catch(() => ({
      consoleUrl: 'http://localhost:3002',
      grafanaUrl: 'http://localhost:3000',
    })),
};

export const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;
