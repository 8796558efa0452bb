// The small HTTP server each consumer service runs next to its consumer: health, readiness,
// Prometheus metrics, and the admin-only fault switch used to demonstrate lag. Every /admin/*
// route needs the operator's admin token, as the gateway's admin routes do.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { metricsHandler } from '@webstore/observability/metrics';
import type { MembershipStatus } from './membership.js';

export interface Faults {
  /** Extra milliseconds spent on every message (slow-consumer demo). */
  delayMs: number;
}

export interface ManagementServerOptions {
  port: number;
  host: string;
  service: string;
  ready: () => boolean;
  /** The consumer's group membership: /readyz names the state and why it is not ready. */
  membership?: () => MembershipStatus;
  faults: Faults;
  /** The bearer token /admin/* requires (ADMIN_TOKEN). */
  adminToken: string;
}

function json(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(JSON.stringify(body));
}

function problem(res: ServerResponse, status: number, title: string, detail: string): void {
  json(
    res,
    status,
    {
      type: `https://webstore.example/problems/${title.toLowerCase().replace(/\s+/g, '-')}`,
      title,
      status,
      detail,
    },
    'application/problem+json',
  );
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new Error('body too large');
  }
  return body;
}

/** True when the request carries the admin token; otherwise answers 401 or 403 and returns false. */
function admitted(req: IncomingMessage, res: ServerResponse, adminToken: string): boolean {
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!token) {
    problem(res, 401, 'Unauthorized', 'send Authorization: Bearer <admin token>');
    return false;
  }
  const [given, expected] = [Buffer.from(token), Buffer.from(adminToken)];
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    problem(res, 403, 'Forbidden', 'the admin token is required');
    return false;
  }
  return true;
}

async function setFaults(req: IncomingMessage, res: ServerResponse, faults: Faults): Promise<void> {
  let body: { delayMs?: unknown };
  try {
    body = JSON.parse(await readBody(req)) as { delayMs?: unknown };
  } catch {
    return problem(res, 400, 'Malformed JSON', 'the body must be a JSON object');
  }
  if (
    typeof body.delayMs !== 'number' ||
    !Number.isInteger(body.delayMs) ||
    body.delayMs < 0 ||
    body.delayMs > 60_000
  ) {
    return problem(res, 400, 'Invalid request', 'delayMs must be an integer between 0 and 60000');
  }
  faults.delayMs = body.delayMs;
  json(res, 200, { faults });
}

/** Starts the management server and resolves once it listens. */
export async function createManagementServer(options: ManagementServerOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz')
      return json(res, 200, { status: 'ok', service: options.service });
    if (req.method === 'GET' && path === '/readyz') {
      const member = options.membership?.();
      const ready = member?.inGroup ?? options.ready();
      return json(res, ready ? 200 : 503, {
        status: ready ? 'ready' : 'not ready',
        checks: { kafkaGroup: ready },
        ...(member ? { group: { state: member.state, detail: member.detail } } : {}),
        ...(ready ? {} : { failing: ['kafkaGroup'] }),
      });
    }
    if (req.method === 'GET' && path === '/metrics') return metricsHandler(req, res);
    if (path?.startsWith('/admin/') && !admitted(req, res, options.adminToken)) return;
    if (path === '/admin/faults' && req.method === 'GET')
      return json(res, 200, { faults: options.faults });
    if (path === '/admin/faults' && req.method === 'PUT') {
      setFaults(req, res, options.faults).catch(() =>
        problem(res, 400, 'Invalid request', 'could not read the body'),
      );
      return;
    }
    problem(res, 404, 'Not found', `no route ${req.method} ${path}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return server;
}
