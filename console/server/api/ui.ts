// The built single-page app: files from the UI directory, and index.html for any other GET that is
// not an API path, so a deep link (/traces/<id>) loads the app and its router takes over. Hashed
// assets are cached for good; index.html never is, so a rebuilt UI shows up on reload.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { send } from '@koa/send';
import type { Context, Next } from 'koa';

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>WebStore Console</title>
<h1>WebStore Console</h1><p>The console's UI is not built. Run <code>npm run build</code>, or use the
JSON API: <a href="/api/traces">/api/traces</a>, <a href="/api/services">/api/services</a>,
<a href="/api/metrics">/api/metrics</a>.</p>`;

const RESERVED = /^\/(api|healthz|readyz)(\/|$)/;

export function serveUi(uiDir: string) {
  return async (ctx: Context, next: Next): Promise<void> => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || RESERVED.test(ctx.path)) return next();
    if (!existsSync(join(uiDir, 'index.html'))) {
      ctx.type = 'text/html';
      ctx.body = NOT_BUILT;
      return;
    }
    const immutable = ctx.path.startsWith('/assets/');
    try {
      const sent = await send(ctx, ctx.path, {
        root: uiDir,
        index: 'index.html',
        immutable,
        maxage: immutable ? 365 * 24 * 3_600_000 : 0,
        setHeaders: (res, path) => {
          if (path.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
        },
      });
      if (sent) return;
    } catch (err) {
      const status = (err as { status?: number }).status;
      // A missing file, or a path send refuses (a directory, a hidden file): the app handles it.
      if (status !== 404 && status !== 400 && status !== 403) throw err;
    }
    // An asset that is not there is a 404, not the app (a stale tab asking for an old bundle).
    if (immutable || /\.[a-z0-9]+$/i.test(ctx.path)) return next();
    await send(ctx, 'index.html', {
      root: uiDir,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    });
  };
}
