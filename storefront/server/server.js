// Serves the built store and proxies /api and /docs to the gateway (SSE streamed through as it
// arrives; traceparent, tracestate and Idempotency-Key pass through). No framework: Node's http is
// enough. Two more doors, so the browser never talks to another origin: POST /otlp/v1/traces
// forwards the page's spans to BROWSER_OTLP_ENDPOINT (otlp-forward.js), and
// GET /console-api/traces/:traceId reads a trace from the console for the journey's waterfall.
// Environment: see config.js.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, readConfig } from './config.js';
import { createTelemetryForwarder } from './otlp-forward.js';

const DIST = fileURLToPath(new URL('../dist', import.meta.url));
let config;
try {
  config = readConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`storefront: ${err.message}`);
  process.exit(2);
}
const { port, host, gateway, links, consoleApi, browserTelemetry } = config;
const forwardTelemetry = browserTelemetry.endpoint
  ? createTelemetryForwarder(browserTelemetry)
  : undefined;
const problem = (res, status, title, detail) =>
  res.writeHead(status, { 'content-type': 'application/problem+json' }).end(
    JSON.stringify({
      type: 'https://webstore.example/problems/unavailable',
      title,
      status,
      detail,
    }),
  );
const TYPES = {
  '.html': 'text/html',
  '.js': 'application/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

function proxy(req, res) {
  const upstream = request(
    {
      hostname: gateway.hostname,
      port: gateway.port,
      path: req.url,
      method: req.method,
      headers: { ...req.headers, host: gateway.host },
    },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  // A browser that goes away (a closed tab, an EventSource closed) ends the upstream request
  // too, so the gateway sees its event stream close at once instead of at the next keep-alive.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  upstream.on('error', () => {
    if (res.destroyed) return;
    if (res.headersSent) return res.destroy();
    problem(res, 502, 'Gateway unreachable', `The gateway at ${gateway.origin} is not answering.`);
  });
  req.pipe(upstream);
}

/** GET /console-api/traces/:traceId: the console's OTLP/JSON of one trace, read server-side. */
async function consoleTrace(req, res, traceId) {
  if (req.method !== 'GET') return problem(res, 405, 'Method not allowed', 'GET only');
  let upstream;
  try {
    upstream = await fetch(`${consoleApi}/api/traces/${traceId}`, {
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    return problem(
      res,
      502,
      'Console unreachable',
      `The console at ${consoleApi} is not answering.`,
    );
  }
  res.writeHead(upstream.status, {
    'content-type': upstream.headers.get('content-type') ?? 'application/json',
    'cache-control': 'no-store',
  });
  res.end(Buffer.from(await upstream.arrayBuffer()));
}

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (
    path.startsWith('/api/') ||
    path === '/docs' ||
    path.startsWith('/docs/') ||
    path === '/openapi.json'
  )
    return proxy(req, res);
  if (path === '/healthz')
    return res
      .writeHead(200, { 'content-type': 'application/json' })
      .end('{"status":"ok","service":"storefront"}');
  if (path === '/config.json')
    return res
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' })
      .end(JSON.stringify({ ...links, telemetry: forwardTelemetry !== undefined }));
  if (path === '/otlp/v1/traces') {
    if (!forwardTelemetry)
      return problem(res, 404, 'No browser telemetry', 'BROWSER_OTLP_ENDPOINT is not set.');
    return void forwardTelemetry(req, res).catch((err) => {
      console.error(`storefront: forwarding browser telemetry failed: ${err.message}`);
      if (!res.headersSent) problem(res, 500, 'Internal error', 'forwarding failed');
      else res.destroy();
    });
  }
  const trace = /^\/console-api\/traces\/([0-9a-f]{32})$/.exec(path);
  if (trace) return void consoleTrace(req, res, trace[1]);
  const file = join(DIST, normalize(path).replace(/^(\.\.[/\\])+/, ''));
  const target =
    file.startsWith(DIST) && existsSync(file) && statSync(file).isFile()
      ? file
      : join(DIST, 'index.html');
  res.writeHead(200, {
    'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
    'cache-control': target.includes('/assets/')
      ? 'public, max-age=31536000, immutable'
      : 'no-cache',
  });
  createReadStream(target).pipe(res);
});
server.listen(port, host, () =>
  console.log(
    `storefront listening on http://${host}:${server.address().port} (gateway ${gateway.origin}, ` +
      `browser telemetry ${browserTelemetry.endpoint ? `to ${browserTelemetry.endpoint}` : 'off'})`,
  ),
);
// Open event streams would hold server.close() forever: close every connection (which aborts
// their upstream requests), and exit within 5 s whatever happens.
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  });
