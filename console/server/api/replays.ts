// The replay admin API over the replay library (the CLI's own code): POST /api/admin/replays plans
// or executes, GET lists the audit trail, GET /:id shows one with its live progress, and
// GET /:id/events streams that progress as Server-Sent Events. Every route needs the admin token.
import { PassThrough } from 'node:stream';
import type { Tracer } from '@opentelemetry/api';
import Router from '@koa/router';
import type { Context } from 'koa';
import {
  openAuditTrail,
  ReplayError,
  runCommand,
  type AuditTrail,
  type CommandResult,
  type Progress,
  type ReplayRequest,
} from '@webstore/replay';
import { personas } from '@webstore/schemas';
import { requireAdmin } from './admin.js';
import type { KafkaAccess } from './kafka-client.js';
import { Problem, type ProblemType } from './problem.js';

const STATUS_TYPES: Record<number, ProblemType> = {
  400: 'validation',
  404: 'not-found',
  409: 'conflict',
  422: 'unprocessable',
  502: 'bad-gateway',
};

/** A replay refusal as a problem document with the same words as the CLI's. */
export function toProblem(err: unknown): unknown {
  if (!(err instanceof ReplayError)) return err;
  const field = typeof err.extra.field === 'string' ? err.extra.field : undefined;
  return new Problem(STATUS_TYPES[err.status] ?? 'validation', err.message, field, {
    slug: err.code,
    extra: Object.fromEntries(Object.entries(err.extra).filter(([k]) => k !== 'field')),
  });
}

interface Job {
  progress?: Progress;
  result?: CommandResult;
  error?: string;
  listeners: Set<(event: string, data: unknown) => void>;
}

async function readJson(ctx: Context): Promise<unknown> {
  let text = '';
  for await (const chunk of ctx.req) {
    text += String(chunk);
    if (text.length > 100_000) throw new Problem('validation', 'the body is larger than 100 kB');
  }
  try {
    return JSON.parse(text || 'null');
  } catch {
    throw new Problem('validation', 'the body is not JSON');
  }
}

const COMMANDS = ['plan', 'rewind', 'republish', 'dlq'];

function requestOf(body: unknown): ReplayRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new Problem('validation', 'the body must be a JSON object like the CLI flags', 'command');
  const request = body as ReplayRequest;
  if (!COMMANDS.includes(request.command))
    throw new Problem('validation', `command must be one of ${COMMANDS.join(', ')}`, 'command');
  return request;
}

export interface ReplaysDeps {
  kafka: KafkaAccess;
  replayDataDir: string;
  adminToken: string;
  /** The tracer of replay spans, once there is one (the console's receivers listen). */
  tracer?: () => Tracer | undefined;
}

export function replaysRouter(deps: ReplaysDeps): Router & { close(): void } {
  const router = new Router() as Router & { close(): void };
  let audit: AuditTrail | undefined;
  const trail = () => (audit ??= openAuditTrail(`${deps.replayDataDir}/replays.db`));
  const jobs = new Map<string, Job>();
  const operator = personas.find((p) => p.token === deps.adminToken)?.name ?? 'console admin';
  const admin = requireAdmin(deps.adminToken);

  router.post('/api/admin/replays', admin, async (ctx) => {
    const request = requestOf(await readJson(ctx));
    const { kafka, admin: kafkaAdmin } = await deps.kafka.get();
    const job: Job = { listeners: new Set() };
    const emit = (event: string, data: unknown) => job.listeners.forEach((l) => l(event, data));
    let started: (id: string) => void = () => undefined;
    const whenStarted = new Promise<string>((resolve) => (started = resolve));
    const running = runCommand(
      {
        kafka,
        admin: kafkaAdmin,
        audit: trail(),
        operator: `${operator} (console)`,
        token: deps.adminToken,
        tracer: deps.tracer?.(),
        onStart: (record) => {
          jobs.set(record.id, job);
          started(record.id);
        },
        onProgress: (p) => {
          job.progress = p;
          emit('progress', p);
        },
      },
      request,
    ).then(
      (result) => {
        job.result = result;
        emit('done', result);
        return result;
      },
      (err: Error) => {
        job.error = err.message;
        emit('failed', { detail: err.message });
        throw err;
      },
    );
    // A plan or a rewind answers with its result; a republish or redrive answers once it has
    // started (202, its id), and runs on while the client follows /:id/events.
    const first = await Promise.race([
      running.then((result) => ({ result })),
      whenStarted.then((id) => ({ id })),
    ]).catch((err: unknown) => {
      throw toProblem(err);
    });
    if ('result' in first || request.command === 'rewind') {
      const result =
        'result' in first
          ? first.result
          : await running.catch((err: unknown) => {
              throw toProblem(err);
            });
      ctx.status = result.command !== 'plan' && 'executed' in result && result.executed ? 201 : 200;
      ctx.body = result;
      return;
    }
    running.catch(() => undefined);
    ctx.status = 202;
    ctx.set('location', `/api/admin/replays/${first.id}`);
    ctx.body = { id: first.id, status: 'running', events: `/api/admin/replays/${first.id}/events` };
  });

  router.get('/api/admin/replays', admin, (ctx) => {
    ctx.body = { replays: trail().list(100) };
  });

  router.get('/api/admin/replays/:id', admin, (ctx) => {
    const record = trail().get(ctx.params.id!);
    if (!record) throw new Problem('not-found', `no replay with id ${ctx.params.id}`);
    const job = jobs.get(record.id);
    ctx.body = {
      ...record,
      live: job ? { progress: job.progress ?? null, error: job.error ?? null } : null,
    };
  });

  router.get('/api/admin/replays/:id/events', admin, (ctx) => {
    const record = trail().get(ctx.params.id!);
    if (!record) throw new Problem('not-found', `no replay with id ${ctx.params.id}`);
    const stream = new PassThrough();
    const send = (event: string, data: unknown) =>
      stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    ctx.type = 'text/event-stream';
    ctx.set('cache-control', 'no-cache');
    ctx.body = stream;
    const job = jobs.get(record.id);
    send('record', record);
    if (!job || job.result || job.error) {
      send(job?.error ? 'failed' : 'done', job?.result ?? trail().get(record.id));
      stream.end();
      return;
    }
    if (job.progress) send('progress', job.progress);
    const listener = (event: string, data: unknown) => {
      send(event, data);
      if (event !== 'progress') {
        job.listeners.delete(listener);
        stream.end();
      }
    };
    job.listeners.add(listener);
    ctx.req.on('close', () => job.listeners.delete(listener));
  });

  router.close = () => audit?.close();
  return router;
}
