// GET /api/stream: Server-Sent Events of what the store commits. `event: trace` carries the
// TraceSummary of a trace that got new spans (coalesced: one event per trace per debounce window,
// however many exports touched it); `event: log` carries each new log record. Filters narrow both;
// a comment line keeps idle connections open; every stream ends when the console shuts down.
import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import type { LogEntry, LogQueries } from '../store/logs.js';
import type { TraceQueries, TraceSummary } from '../store/traces.js';
import type { Committed } from '../store/writer.js';
import { severityParam } from './logs.js';
import { boolean, optionalHexId, param } from './params.js';
import { Problem } from './problem.js';

export interface StreamOptions {
  traces: TraceQueries;
  logs: LogQueries;
  onCommit(listener: (c: Committed) => void): void;
  debounceMs?: number;
  keepAliveMs?: number;
}

interface Client {
  stream: PassThrough;
  types: Set<'trace' | 'log'>;
  service?: string;
  traceId?: string;
  minSeverity?: number;
  synthetic?: boolean;
  q?: string;
}

export interface StreamHub {
  router: Router;
  clients(): number;
  close(): void;
}

function wantsTrace(c: Client, t: TraceSummary): boolean {
  return (
    (c.service === undefined || t.services.includes(c.service)) &&
    (c.traceId === undefined || t.traceId === c.traceId) &&
    (c.synthetic === undefined || t.synthetic === c.synthetic)
  );
}

function wantsLog(c: Client, l: LogEntry): boolean {
  return (
    (c.service === undefined || l.service === c.service) &&
    (c.traceId === undefined || l.traceId === c.traceId) &&
    (c.minSeverity === undefined || l.severityNumber >= c.minSeverity) &&
    (c.q === undefined ||
      JSON.stringify([l.body, l.attributes]).toLowerCase().includes(c.q.toLowerCase()))
  );
}

export function createStreamHub(options: StreamOptions): StreamHub {
  const debounceMs = options.debounceMs ?? 500;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const clients = new Set<Client>();
  let dirty = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const send = (c: Client, event: string, data: unknown) =>
    c.stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const any = (type: 'trace' | 'log') => [...clients].some((c) => c.types.has(type));

  const publishTraces = () => {
    timer = undefined;
    const ids = [...dirty];
    dirty = new Set();
    if (!any('trace')) return;
    for (const summary of options.traces.summaries(ids))
      for (const c of clients)
        if (c.types.has('trace') && wantsTrace(c, summary)) send(c, 'trace', summary);
  };

  options.onCommit((committed) => {
    if (clients.size === 0) return;
    if (committed.traceIds.size > 0 && any('trace')) {
      for (const id of committed.traceIds) dirty.add(id);
      timer ??= setTimeout(publishTraces, debounceMs);
    }
    if (committed.logIds.length > 0 && any('log')) {
      const { logs } = options.logs.search({
        ids: committed.logIds,
        limit: committed.logIds.length,
      });
      for (const entry of logs.reverse())
        for (const c of clients)
          if (c.types.has('log') && wantsLog(c, entry)) send(c, 'log', entry);
    }
  });

  const keepAlive = setInterval(() => {
    for (const c of clients) c.stream.write(': keep-alive\n\n');
  }, keepAliveMs);
  keepAlive.unref();

  const router = new Router();
  router.get('/api/stream', (ctx) => {
    const types = new Set((param(ctx, 'types') ?? 'trace,log').split(',').map((t) => t.trim()));
    for (const t of types)
      if (t !== 'trace' && t !== 'log')
        throw new Problem('validation', `types must list trace and/or log, got "${t}"`, 'types');
    const client: Client = {
      stream: new PassThrough(),
      types: types as Set<'trace' | 'log'>,
      service: param(ctx, 'service'),
      traceId: optionalHexId(ctx, 'traceId', 16),
      minSeverity: severityParam(param(ctx, 'severity')),
      synthetic: boolean(ctx, 'synthetic'),
      q: param(ctx, 'q'),
    };
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.status = 200;
    ctx.type = 'text/event-stream';
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('X-Accel-Buffering', 'no');
    ctx.body = client.stream;
    client.stream.write(': connected\n\n');
    clients.add(client);
    ctx.req.on('close', () => clients.delete(client));
  });

  return {
    router,
    clients: () => clients.size,
    close() {
      clearInterval(keepAlive);
      if (timer) clearTimeout(timer);
      for (const c of clients) c.stream.end();
      clients.clear();
    },
  };
}
