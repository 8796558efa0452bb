// Health, readiness, metrics, the OpenAPI document with Swagger UI, and the admin fault switch.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Router from '@koa/router';
import { metricsHandler } from '@webstore/observability/metrics';
import type { Auth } from '../auth.js';
import { readJson } from '../body.js';
import type { GatewayConfig } from '../config.js';
import { openApiDocument } from '../openapi.js';
import { Problem } from '../problem.js';
import { validateBody } from '../validation.js';

export interface Readiness {
  kafka(): boolean;
  /** Why Kafka is considered unreachable, when it is. */
  kafkaDetail?(): string | undefined;
  projectionCaughtUp(): boolean;
  /** Retry-After of a 503 caused by Kafka being unreachable (default 2 s). */
  retryAfterSeconds?: number;
}

const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const SWAGGER_FILES = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
]);
const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>WebStore API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true });`;

export function operationsRouter(config: GatewayConfig, readiness: Readiness, auth: Auth): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok', service: 'gateway' };
  });
  router.get('/readyz', (ctx) => {
    const checks = { kafka: readiness.kafka(), projection: readiness.projectionCaughtUp() };
    const failing = Object.entries(checks)
      .filter(([, ok]) => !ok)
      .map(([name]) => name);
    const details: Record<string, string> = {};
    if (!checks.kafka) details.kafka = readiness.kafkaDetail?.() ?? 'unreachable';
    if (!checks.projection) details.projection = 'still reading the outcome topics';
    ctx.status = failing.length === 0 ? 200 : 503;
    if (failing.length > 0) ctx.set('Retry-After', String(readiness.retryAfterSeconds ?? 2));
    ctx.body = {
      status: failing.length === 0 ? 'ready' : 'not ready',
      checks,
      ...(failing.length > 0 ? { failing, details } : {}),
    };
  });
  router.get('/metrics', (ctx) => {
    ctx.respond = false;
    metricsHandler(ctx.req, ctx.res);
  });
  router.get('/openapi.json', (ctx) => {
    ctx.body = openApiDocument;
  });
  router.get('/docs', (ctx) => {
    ctx.type = 'text/html';
    ctx.body = DOCS_PAGE;
  });
  router.get('/docs/init.js', (ctx) => {
    ctx.type = 'application/javascript';
    ctx.body = DOCS_INIT;
  });
  router.get('/docs/assets/:file', async (ctx) => {
    const file = ctx.params.file!;
    if (!SWAGGER_FILES.has(file)) throw new Problem('not-found', `no asset "${file}"`);
    ctx.type = file.split('.').pop()!;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = await readFile(join(swaggerDir, file));
  });

  router.post('/api/admin/faults', async (ctx) => {
    auth.requireAdmin(ctx);
    const { slowConsumer } = validateBody<{
      slowConsumer: { service: 'inventory' | 'payment' | 'analytics'; delayMs: number };
    }>('FaultsRequest', await readJson(ctx));
    const target = `${config.managementUrls[slowConsumer.service]}/admin/faults`;
    let response: Response;
    try {
      response = await fetch(target, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${auth.adminToken}` },
        body: JSON.stringify({ delayMs: slowConsumer.delayMs }),
        signal: AbortSignal.timeout(3000),
      });
    } catch {
      throw new Problem(
        'unavailable',
        `the ${slowConsumer.service} service did not answer at ${target}`,
      );
    }
    if (!response.ok)
      throw new Problem(
        'unavailable',
        `the ${slowConsumer.service} service refused the change (HTTP ${response.status})`,
      );
    ctx.body = { faults: { slowConsumer } };
  });
  return router;
}
