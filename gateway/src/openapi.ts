// The OpenAPI 3.1 document: served at /openapi.json, shown by Swagger UI at /docs, and the source
// of the JSON Schemas that validate request bodies (see validation.ts).
import { CATEGORIES, COUNTRY_CODES, DECLINE_REASONS } from '@webstore/schemas';

const problem = { $ref: '#/components/schemas/Problem' };
const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problem } },
});
const bearer = [{ demoToken: [] }];

export const schemas = {
  OrderRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['items', 'country'],
    properties: {
      items: {
        type: 'array',
        minItems: 1,
        maxItems: 50,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['productId', 'quantity'],
          properties: {
            productId: { type: 'string', minLength: 1, maxLength: 64 },
            quantity: { type: 'integer', minimum: 1, maximum: 100 },
          },
        },
      },
      country: { type: 'string', enum: [...COUNTRY_CODES] },
      paymentSeed: {
        type: 'integer',
        minimum: 0,
        maximum: 4294967295,
        description: 'Makes the simulated payment outcome reproducible.',
      },
    },
  },
  ActivityRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['type', 'sessionId', 'country'],
    properties: {
      type: {
        type: 'string',
        enum: ['browse_catalog', 'view_product', 'add_to_cart', 'checkout_started'],
      },
      sessionId: { type: 'string', minLength: 1, maxLength: 128 },
      country: { type: 'string', enum: [...COUNTRY_CODES] },
      productId: { type: 'string', minLength: 1, maxLength: 64 },
      quantity: { type: 'integer', minimum: 1, maximum: 100 },
      category: { type: 'string', enum: [...CATEGORIES] },
      itemCount: { type: 'integer', minimum: 1 },
      cartValueCents: { type: 'integer', minimum: 0 },
    },
    allOf: [
      {
        if: { properties: { type: { const: 'view_product' } } },
        then: { required: ['productId'] },
      },
      {
        if: { properties: { type: { const: 'add_to_cart' } } },
        then: { required: ['productId', 'quantity'] },
      },
      {
        if: { properties: { type: { const: 'checkout_started' } } },
        then: { required: ['itemCount', 'cartValueCents'] },
      },
    ],
  },
  FaultsRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['slowConsumer'],
    properties: {
      slowConsumer: {
        type: 'object',
        additionalProperties: false,
        required: ['service', 'delayMs'],
        properties: {
          service: { type: 'string', enum: ['inventory', 'payment', 'analytics'] },
          delayMs: { type: 'integer', minimum: 0, maximum: 60000 },
        },
      },
    },
  },
  Product: {
    type: 'object',
    required: ['id', 'name', 'category', 'description', 'priceCents', 'stock'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      category: { type: 'string', enum: [...CATEGORIES] },
      description: { type: 'string' },
      priceCents: { type: 'integer' },
      stock: { type: 'integer', description: 'Units available now' },
    },
  },
  JourneyEvent: {
    type: 'object',
    properties: {
      type: { type: 'string' },
      topic: { type: 'string' },
      partition: { type: 'integer' },
      offset: { type: 'string' },
      service: { type: 'string' },
      at: { type: 'string', format: 'date-time' },
      sincePlacedMs: { type: 'integer' },
      data: { type: 'object' },
    },
  },
  Order: {
    type: 'object',
    properties: {
      orderId: { type: 'string' },
      customerId: { type: 'string' },
      country: { type: 'string' },
      items: { type: 'array', items: { type: 'object' } },
      totalCents: { type: 'integer' },
      status: { type: 'string', enum: ['pending', 'completed', 'failed'] },
      reason: { type: 'string', enum: ['out_of_stock', ...DECLINE_REASONS] },
      detail: { type: 'string' },
      placedAt: { type: 'string', format: 'date-time' },
      completedAt: { type: 'string', format: 'date-time' },
      sagaComplete: {
        type: 'boolean',
        description: 'no further event expected (a declined order completes after StockReleased)',
      },
      traceId: { type: 'string' },
      events: { type: 'array', items: { $ref: '#/components/schemas/JourneyEvent' } },
    },
  },
  Problem: {
    type: 'object',
    required: ['type', 'title', 'status', 'detail'],
    properties: {
      type: { type: 'string' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      field: { type: 'string' },
    },
  },
} as const;

export type SchemaName = keyof typeof schemas;

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'WebStore gateway',
    version: '0.1.0',
    description:
      "Checkout becomes an OrderPlaced event on Kafka; inventory, payment and analytics react; the order journey streams back over SSE. Demo customer tokens: user-token-123, test-token-789 (GET /api/personas in demo mode); admin routes take the operator's ADMIN_TOKEN. Limits: 429 (per-client rate on POST /api/orders and /api/activity), 503 (open event streams), 413 (bodies over 64 KiB), each with Retry-After where waiting helps.",
  },
  servers: [{ url: '/' }],
  components: {
    schemas,
    securitySchemes: {
      demoToken: { type: 'http', scheme: 'bearer', description: 'One of the demo tokens' },
    },
  },
  paths: {
    '/api/products': {
      get: {
        summary: 'Catalog with live stock',
        parameters: [
          { name: 'category', in: 'query', schema: { type: 'string', enum: [...CATEGORIES] } },
          { name: 'q', in: 'query', schema: { type: 'string' } },
        ],
        responses: {
          200: {
            description: 'Products',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    products: { type: 'array', items: { $ref: '#/components/schemas/Product' } },
                  },
                },
              },
            },
          },
        },
      },
    },
    '/api/products/{id}': {
      get: {
        summary: 'One product with live stock',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          200: {
            description: 'Product',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Product' } } },
          },
          404: problemResponse('No such product'),
        },
      },
    },
    '/api/activity': {
      post: {
        summary: 'Record a funnel event (browse, view, add to cart, checkout started)',
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/ActivityRequest' } },
          },
        },
        responses: {
          202: { description: 'Accepted' },
          400: problemResponse('Invalid event'),
          413: problemResponse('Body over 64 KiB'),
          429: problemResponse('Over the per-client rate; see Retry-After'),
        },
      },
    },
    '/api/orders': {
      post: {
        summary: 'Check out: publishes OrderPlaced and answers at once',
        security: bearer,
        parameters: [
          { name: 'Idempotency-Key', in: 'header', schema: { type: 'string', maxLength: 128 } },
          {
            name: 'X-Synthetic',
            in: 'header',
            schema: { type: 'string', enum: ['true', 'false'] },
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/OrderRequest' } },
          },
        },
        responses: {
          202: { description: 'Accepted: { orderId, traceId, status: "pending" }' },
          400: problemResponse('Invalid order'),
          401: problemResponse('Missing or unknown token'),
          409: problemResponse('Idempotency key reused with a different body'),
          413: problemResponse('Body over 64 KiB'),
          422: problemResponse('Unknown product'),
          429: problemResponse('Over the per-client rate; see Retry-After'),
        },
      },
      get: {
        summary: "The caller's orders (`?mine`); all orders for the admin",
        security: bearer,
        parameters: [
          { name: 'mine', in: 'query', schema: { type: 'string' }, allowEmptyValue: true },
        ],
        responses: {
          200: { description: 'Orders, newest first' },
          401: problemResponse('Missing or unknown token'),
        },
      },
    },
    '/api/orders/{id}': {
      get: {
        summary: 'Order status and journey so far',
        security: bearer,
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          200: {
            description: 'Order',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } },
          },
          404: problemResponse('No such order'),
        },
      },
    },
    '/api/orders/{id}/ticket': {
      post: {
        summary: "A 60 s ticket that opens this order's event stream (for EventSource)",
        security: bearer,
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          200: {
            description: 'Ticket',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['ticket', 'expiresAt'],
                  properties: {
                    ticket: { type: 'string' },
                    expiresAt: { type: 'string', format: 'date-time' },
                  },
                },
              },
            },
          },
          401: problemResponse('Missing or unknown token'),
          404: problemResponse('No such order'),
        },
      },
    },
    '/api/orders/{id}/events': {
      get: {
        summary: 'Server-sent events: each journey event as it happens, then the final status',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          {
            name: 'ticket',
            in: 'query',
            schema: { type: 'string' },
            description:
              'From POST /api/orders/{id}/ticket, for EventSource, which cannot send headers',
          },
          {
            name: 'token',
            in: 'query',
            deprecated: true,
            schema: { type: 'string' },
            description: 'A bearer token in the URL (accepted on this route only); use a ticket',
          },
        ],
        responses: {
          200: { description: 'text/event-stream of `journey` events, then one `status` event' },
          401: problemResponse('Missing, unknown, expired or foreign token or ticket'),
          404: problemResponse('No such order'),
          503: problemResponse('Too many open event streams; see Retry-After'),
        },
      },
    },
    '/api/admin/faults': {
      post: {
        summary: "Slow a consumer down so lag builds (admin: the operator's ADMIN_TOKEN)",
        security: bearer,
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/FaultsRequest' } },
          },
        },
        responses: {
          200: { description: 'Applied' },
          401: problemResponse('No token'),
          403: problemResponse('Not the admin token'),
        },
      },
    },
    '/healthz': { get: { summary: 'Alive', responses: { 200: { description: 'ok' } } } },
    '/readyz': {
      get: {
        summary: 'Kafka reachable and projection caught up',
        responses: { 200: { description: 'ready' }, 503: { description: 'not ready' } },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics',
        responses: { 200: { description: 'text exposition' } },
      },
    },
  },
};
