// `republish` and `dlq`: copying records of a window back onto a topic (paced, resumable, audited)
// and sending dead letters back to the topic they came from.
import type { Tracer } from '@opentelemetry/api';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { headerString } from '@webstore/schemas';
import type { AuditTrail, ReplayKind, ReplayRecord } from './audit.js';
import { ReplayError } from './errors.js';
import { assertNotEmpty, planWindow, type Plan, type WindowSpec } from './plan.js';
import { publishCopy } from './replay-publish.js';
import { assertTopic, type WindowMessage } from './window.js';

/** Overlapping sends of an unpaced copy. */
const IN_FLIGHT = 32;

export type Pacing = { rate: number } | { speed: number } | undefined;

export interface Progress {
  replayId: string;
  done: number;
  total: number;
}

export interface ExecuteContext {
  kafka: Kafka;
  admin: Admin;
  audit: AuditTrail;
  operator: string;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Called once the audit record exists (the API answers with its id at once). */
  onStart?: (record: ReplayRecord) => void;
  /** Tracer of the replay spans (default: the global one). */
  tracer?: Tracer;
}

export interface RepublishOptions {
  window: WindowSpec;
  target?: string;
  asNew?: boolean;
  pacing?: Pacing;
  execute: boolean;
  /** Continue the interrupted replay with this id (its own window and options are used). */
  resumeId?: string;
}

export interface RunResult {
  replayId: string | null;
  kind: ReplayKind;
  plan: Plan;
  executed: boolean;
  status: string;
  published: number;
  /** Records an earlier run of the same replay had already published (--resume). */
  alreadyDone: number;
  durationMs: number;
  ratePerSecond: number;
  targets: Record<string, number>;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

async function runCopies(
  ctx: ExecuteContext,
  record: ReplayRecord,
  messages: WindowMessage[],
  plan: Plan,
  send: (m: WindowMessage) => Promise<void>,
  pacing: Pacing,
): Promise<RunResult> {
  const progress: Record<string, number> = { ...record.progress };
  // The window is fixed (its end is stored), so the same records come back in the same order.
  const todo = messages.slice(progress.done ?? 0);
  const alreadyDone = messages.length - todo.length;
  const started = Date.now();
  const firstTs = todo[0]?.timestampMs ?? 0;
  let published = 0;
  let lastSave = 0;
  const targets: Record<string, number> = {};
  const save = (status?: ReplayRecord['status']) =>
    ctx.audit.update(record.id, {
      progress,
      counts: {
        planned: plan.total,
        published: alreadyDone + published,
        remaining: todo.length - published,
      },
      ...(status ? { status } : {}),
    });
  ctx.onStart?.(record);
  try {
    // Unpaced, up to IN_FLIGHT sends overlap: kafkajs pipelines them on the broker connection,
    // which Kafka handles in order, so a key's records keep their order. Paced, one at a time.
    const window = pacing ? 1 : IN_FLIGHT;
    const inFlight: { m: WindowMessage; sent: Promise<void> }[] = [];
    const settle = async () => {
      const { m, sent } = inFlight.shift()!;
      await sent;
      published++;
      progress.done = alreadyDone + published;
      const target = headerString(m.message.headers, 'dlq_original_topic') ?? m.topic;
      targets[target] = (targets[target] ?? 0) + 1;
      ctx.onProgress?.({
        replayId: record.id,
        done: alreadyDone + published,
        total: messages.length,
      });
      if (Date.now() - lastSave > 500) {
        save();
        lastSave = Date.now();
      }
    };
    try {
      for (const m of todo) {
        if (ctx.signal?.aborted) break;
        if (pacing && 'rate' in pacing)
          await sleep(started + (published * 1000) / pacing.rate - Date.now(), ctx.signal);
        else if (pacing)
          await sleep(started + (m.timestampMs - firstTs) / pacing.speed - Date.now(), ctx.signal);
        if (ctx.signal?.aborted) break;
        const sent = send(m);
        sent.catch(() => undefined); // awaited in settle(); this only keeps it from going unhandled
        inFlight.push({ m, sent });
        if (inFlight.length >= window) await settle();
      }
    } finally {
      while (inFlight.length > 0) await settle();
    }
  } catch (err) {
    save('failed');
    ctx.audit.update(record.id, {
      outcome: (err as Error).message,
      finishedAt: new Date().toISOString(),
    });
    throw err;
  }
  const interrupted = ctx.signal?.aborted === true && published < todo.length;
  const status = interrupted ? 'interrupted' : 'completed';
  const durationMs = Date.now() - started;
  save(status);
  ctx.audit.update(record.id, {
    finishedAt: new Date().toISOString(),
    outcome: interrupted
      ? `interrupted after ${alreadyDone + published} of ${messages.length}; continue with --resume ${record.id}`
      : `published ${alreadyDone + published} of ${messages.length}`,
  });
  return {
    replayId: record.id,
    kind: record.kind,
    plan,
    executed: true,
    status,
    published,
    alreadyDone,
    durationMs,
    ratePerSecond: durationMs > 0 ? Math.round((published * 1000) / durationMs) : published,
    targets,
  };
}

function dryRun(kind: ReplayKind, plan: Plan, targets: Record<string, number>): RunResult {
  return {
    replayId: null,
    kind,
    plan,
    executed: false,
    status: 'planned',
    published: 0,
    alreadyDone: 0,
    durationMs: 0,
    ratePerSecond: 0,
    targets,
  };
}

async function withProducer<T>(kafka: Kafka, fn: (p: Producer) => Promise<T>): Promise<T> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    return await fn(producer);
  } finally {
    await producer.disconnect();
  }
}

function resumable(ctx: ExecuteContext, id: string, kind: ReplayKind): ReplayRecord {
  const record = ctx.audit.get(id);
  if (!record) throw new ReplayError('unknown-replay', `no replay with id ${id}`, 404);
  if (record.kind !== kind)
    throw new ReplayError(
      'invalid-request',
      `replay ${id} is a ${record.kind}, not a ${kind}`,
      400,
    );
  if (record.status === 'completed')
    throw new ReplayError(
      'already-completed',
      `replay ${id} has completed; nothing to resume`,
      409,
    );
  ctx.audit.update(id, { status: 'running', finishedAt: undefined });
  return record;
}

/** Plans, and with `execute` publishes, copies of a window (see RepublishOptions). */
export async function republish(
  ctx: ExecuteContext,
  options: RepublishOptions,
  request: Record<string, unknown>,
): Promise<RunResult> {
  const { plan, messages } = await planWindow(ctx.kafka, ctx.admin, options.window);
  const target = options.target ?? options.window.topic;
  if (!options.execute) return dryRun('republish', plan, { [target]: plan.total });
  assertNotEmpty(plan);
  if (target !== options.window.topic) await assertTopic(ctx.admin, target);
  const record = options.resumeId
    ? resumable(ctx, options.resumeId, 'republish')
    : ctx.audit.create('republish', ctx.operator, request);
  // Original order across partitions, so --original-timing and --speed keep the gaps.
  messages.sort(
    (a, b) => a.timestampMs - b.timestampMs || a.partition - b.partition || a.offset - b.offset,
  );
  return withProducer(ctx.kafka, (producer) =>
    runCopies(
      ctx,
      record,
      messages,
      plan,
      (m) =>
        publishCopy(producer, m, {
          replayId: record.id,
          kind: 'republish',
          tracer: ctx.tracer,
          target,
          asNew: options.asNew,
        }),
      options.pacing,
    ),
  );
}

export interface RedriveOptions {
  dlqTopic: string;
  /** Only the dead letter with this ce_id; otherwise every one not redriven yet. */
  eventId?: string;
  execute: boolean;
  resumeId?: string;
}

/** Plans, and with `execute` sends back, dead letters to their `dlq_original_topic`. */
export async function redrive(
  ctx: ExecuteContext,
  options: RedriveOptions,
  request: Record<string, unknown>,
): Promise<RunResult & { alreadyRedriven: number }> {
  if (!options.dlqTopic.endsWith('.dlq'))
    throw new ReplayError(
      'invalid-request',
      `"${options.dlqTopic}" is not a dead-letter topic (<topic>.dlq)`,
      400,
      { field: 'topic' },
    );
  const { plan, messages } = await planWindow(ctx.kafka, ctx.admin, {
    topic: options.dlqTopic,
    filter: {
      includeReplays: true,
      ...(options.eventId ? { headers: { ce_id: options.eventId } } : {}),
    },
  });
  const done = ctx.audit.redriven(options.dlqTopic);
  const pending = messages.filter((m) => !done.has(`${m.topic}/${m.partition}/${m.offset}`));
  const targets: Record<string, number> = {};
  for (const m of pending) {
    const target = headerString(m.message.headers, 'dlq_original_topic');
    if (!target)
      throw new ReplayError(
        'invalid-request',
        `dead letter ${m.topic}/${m.partition}/${m.offset} has no dlq_original_topic header`,
        422,
      );
    targets[target] = (targets[target] ?? 0) + 1;
  }
  const alreadyRedriven = messages.length - pending.length;
  const planned = { ...plan, total: pending.length };
  if (!options.execute) return { ...dryRun('dlq', planned, targets), alreadyRedriven };
  if (pending.length === 0)
    throw new ReplayError(
      'empty-window',
      `no dead letter of ${options.dlqTopic}${options.eventId ? ` with event id ${options.eventId}` : ''} is waiting for a redrive${alreadyRedriven ? ` (${alreadyRedriven} redriven already)` : ''}`,
      422,
    );
  for (const target of Object.keys(targets)) await assertTopic(ctx.admin, target);
  const record = options.resumeId
    ? resumable(ctx, options.resumeId, 'dlq')
    : ctx.audit.create('dlq', ctx.operator, request);
  const result = await withProducer(ctx.kafka, (producer) =>
    runCopies(
      ctx,
      record,
      pending,
      planned,
      async (m) => {
        const target = headerString(m.message.headers, 'dlq_original_topic')!;
        await publishCopy(producer, m, {
          replayId: record.id,
          kind: 'dlq',
          target,
          tracer: ctx.tracer,
        });
        ctx.audit.markRedriven(m.topic, m.partition, m.offset, record.id);
      },
      undefined,
    ),
  );
  return { ...result, alreadyRedriven };
}
