// Serves the built store and proxies /api and /docs to the gateway (SSE streamed through as it
// arrives). No framework: Node's http is enough. Environment: PORT (3001), HOST, GATEWAY_URL,
// and the two places the journey page can open an order's trace: CONSOLE_URL (the WebStore
// Console, both modes) and GRAFANA_URL (the full stack's Grafana).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../dist', import.meta.url));
const fail = (message) => {
  console.error(`storefront: ${message}`);
  process.exit(2);
};
/** An http(s) base URL from the environment, without a trailing slash. */
const baseUrl = (name, fallback) => {
  const raw = process.env[name] || fallback;
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol))
    fail(`${name} must be an http(s) URL, got "${raw}"`);
  return raw.replace(/\/+$/, '');
};
const port = Number(process.env.PORT ?? 3001);
const host = process.env.HOST || '127.0.0.1';
const gateway = new URL(baseUrl('GATEWAY_URL', 'http://localhost:8000'));
const links = {
  consoleUrl: baseUrl('CONSOLE_URL', 'http://localhost:3002'),
  grafanaUrl: baseUrl('GRAFANA_URL', 'http://localhost:3000'),
};
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`PORT must be a port number, got "${process.env.PORT}"`);
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
    res.writeHead(502, { 'content-type': 'application/problem+json' });
    res.end(
      JSON.stringify({
        type: 'https://webstore.example/problems/unavailable',
        title: 'Gateway unreachable',
        status: 502,
        detail: `The gateway at ${gateway.origin} is not answering.`,
      }),
    );
  });
  req.pipe(upstream);
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
    return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(links));
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
    `storefront listening on http://${host}:${server.address().port} (gateway ${gateway.origin})`,
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
