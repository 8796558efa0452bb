// One request shape for every command, shared by the CLI (from its flags) and the console's admin
// API (from a JSON body): validated here, run here, audited here.
import type { Tracer } from '@opentelemetry/api';
import type { Admin, Kafka } from 'kafkajs';
import type { AuditTrail, ReplayRecord } from './audit.js';
import { ReplayError, UsageError } from './errors.js';
import type { MessageFilter } from './filters.js';
import { planWindow, type Plan } from './plan.js';
import {
  redrive,
  republish,
  type ExecuteContext,
  type Pacing,
  type Progress,
  type RunResult,
} from './republish.js';
import { rewindGroup, type RewindResult, type RewindTarget } from './rewind.js';
import { serviceUrlFor } from './service-switch.js';
import { parseDuration, parseTime } from './time.js';

export type Command = 'plan' | 'rewind' | 'republish' | 'dlq';

/** What the CLI's flags and the API's body both say. Times are ISO 8601 or durations ago. */
export interface ReplayRequest {
  command: Command;
  topic?: string;
  topics?: string[];
  from?: string;
  to?: string;
  key?: string;
  type?: string;
  headers?: Record<string, string>;
  country?: string;
  includeReplays?: boolean;
  group?: string;
  toDatetime?: string;
  byDuration?: string;
  shiftBy?: number;
  toEarliest?: boolean;
  stopService?: boolean;
  serviceUrl?: string;
  target?: string;
  rate?: number;
  speed?: number;
  originalTiming?: boolean;
  asNew?: boolean;
  eventId?: string;
  all?: boolean;
  execute?: boolean;
  resume?: string;
}

export interface CommandContext {
  kafka: Kafka;
  admin: Admin;
  audit: AuditTrail;
  /** Who runs it (a persona name or an operator), recorded in the audit trail. */
  operator: string;
  /** Sent to a service's admin switch (rewind --stop-service). */
  token: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  onStart?: (record: ReplayRecord) => void;
  /** Tracer of the replay spans (default: the global one the telemetry preload registers). */
  tracer?: Tracer;
}

export type CommandResult =
  | { command: 'plan'; plan: Plan }
  | ({ command: 'rewind'; replayId: string | null } & RewindResult)
  | ({ command: 'republish' } & RunResult)
  | ({ command: 'dlq'; alreadyRedriven: number } & RunResult);

function time(value: string | undefined, field: string, now: number): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseTime(value, now);
  } catch (err) {
    throw new UsageError(`${field}: ${(err as Error).message}`, field);
  }
}

function need<T>(value: T | undefined, field: string, command: string): T {
  if (value === undefined || value === '')
    throw new UsageError(`${command} needs --${field}`, field);
  return value;
}

function filterOf(r: ReplayRequest): MessageFilter {
  return {
    key: r.key,
    type: r.type,
    headers: r.headers,
    country: r.country,
    includeReplays: r.includeReplays,
  };
}

function pacingOf(r: ReplayRequest): Pacing {
  const given = [r.rate !== undefined, r.speed !== undefined, r.originalTiming === true].filter(
    Boolean,
  );
  if (given.length > 1)
    throw new UsageError('give at most one of --rate, --speed and --original-timing', 'rate');
  if (r.rate !== undefined) {
    if (!(r.rate > 0))
      throw new UsageError('--rate must be a positive number of records per second', 'rate');
    return { rate: r.rate };
  }
  if (r.speed !== undefined) {
    if (!(r.speed > 0))
      throw new UsageError('--speed must be a positive factor (2 = twice as fast)', 'speed');
    return { speed: r.speed };
  }
  return r.originalTiming ? { speed: 1 } : undefined;
}

function rewindTarget(r: ReplayRequest, now: number): RewindTarget {
  const given = [r.toDatetime, r.byDuration, r.shiftBy, r.toEarliest || undefined].filter(
    (v) => v !== undefined,
  );
  if (given.length !== 1)
    throw new UsageError(
      'rewind needs exactly one of --to-datetime, --by-duration, --shift-by, --to-earliest',
      'toDatetime',
    );
  if (r.toDatetime !== undefined) return { toDatetimeMs: time(r.toDatetime, 'toDatetime', now)! };
  if (r.byDuration !== undefined) {
    try {
      return { byDurationMs: parseDuration(r.byDuration) };
    } catch (err) {
      throw new UsageError(`byDuration: ${(err as Error).message}`, 'byDuration');
    }
  }
  if (r.shiftBy !== undefined) {
    if (!Number.isInteger(r.shiftBy))
      throw new UsageError('--shift-by must be an integer (negative goes back)', 'shiftBy');
    return { shiftBy: r.shiftBy };
  }
  return { toEarliest: true };
}

/** The request with its times resolved, as stored in the audit trail (and used by --resume). */
function resolved(r: ReplayRequest, fromMs?: number, toMs?: number): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...r };
  delete copy.resume;
  if (fromMs !== undefined) copy.from = new Date(fromMs).toISOString();
  if (toMs !== undefined) copy.to = new Date(toMs).toISOString();
  return copy;
}

/** Runs one command (a dry run unless `execute`); refusals are ReplayErrors with a clear message. */
export async function runCommand(
  ctx: CommandContext,
  input: ReplayRequest,
): Promise<CommandResult> {
  let request = input;
  if (input.resume) {
    const record = ctx.audit.get(input.resume);
    if (!record) throw new ReplayError('unknown-replay', `no replay with id ${input.resume}`, 404);
    request = {
      ...(record.request as unknown as ReplayRequest),
      execute: true,
      resume: input.resume,
    };
  }
  const now = Date.now();
  const exec: ExecuteContext = { ...ctx };
  switch (request.command) {
    case 'plan': {
      const topic = need(request.topic, 'topic', 'plan');
      const { plan } = await planWindow(
        ctx.kafka,
        ctx.admin,
        {
          topic,
          fromMs: time(request.from, 'from', now),
          toMs: time(request.to, 'to', now),
          filter: filterOf(request),
        },
        ctx.signal,
      );
      return { command: 'plan', plan };
    }
    case 'republish': {
      const topic = need(request.topic, 'topic', 'republish');
      const fromMs = time(need(request.from, 'from', 'republish'), 'from', now);
      const toMs = time(request.to ?? 'now', 'to', now);
      const result = await republish(
        exec,
        {
          window: { topic, fromMs, toMs, filter: filterOf(request) },
          target: request.target,
          asNew: request.asNew,
          pacing: pacingOf(request),
          execute: request.execute === true,
          resumeId: request.resume,
        },
        resolved(request, fromMs, toMs),
      );
      return { command: 'republish', ...result };
    }
    case 'dlq': {
      const topic = need(request.topic, 'topic', 'dlq');
      if (request.execute && !request.eventId && !request.all && !request.resume)
        throw new UsageError('dlq --execute needs --event-id ID or --all', 'eventId');
      const result = await redrive(
        exec,
        {
          dlqTopic: topic,
          eventId: request.eventId,
          execute: request.execute === true,
          resumeId: request.resume,
        },
        resolved(request),
      );
      return { command: 'dlq', ...result };
    }
    case 'rewind': {
      const group = need(request.group, 'group', 'rewind');
      const target = rewindTarget(request, now);
      const topics = request.topics ?? (request.topic ? [request.topic] : []);
      const serviceUrl = request.serviceUrl ?? serviceUrlFor(group, ctx.env);
      if (request.stopService && !serviceUrl)
        throw new UsageError(
          `--stop-service: no service URL known for group "${group}"; pass --service-url`,
          'serviceUrl',
        );
      const options = {
        group,
        topics,
        target,
        execute: request.execute === true,
        stopService: request.stopService ? { url: serviceUrl!, token: ctx.token } : undefined,
      };
      if (!options.execute)
        return { command: 'rewind', replayId: null, ...(await rewindGroup(ctx.admin, options)) };
      const record = ctx.audit.create('rewind', ctx.operator, resolved({ ...request, topics }));
      try {
        const result = await rewindGroup(ctx.admin, options);
        ctx.audit.update(record.id, {
          status: 'completed',
          finishedAt: new Date().toISOString(),
          counts: {
            replayed: result.total,
            lagBefore: sum(result.lagBefore),
            lagAfter: sum(result.lagAfter ?? []),
          },
          outcome: `moved ${result.partitions.length} partition(s); ${result.total} record(s) to read again`,
        });
        return { command: 'rewind', replayId: record.id, ...result };
      } catch (err) {
        ctx.audit.update(record.id, {
          status: err instanceof ReplayError ? 'refused' : 'failed',
          finishedAt: new Date().toISOString(),
          outcome: (err as Error).message,
        });
        throw err;
      }
    }
    default:
      throw new UsageError(
        `unknown command "${String((request as { command?: unknown }).command)}"`,
        'command',
      );
  }
}

const sum = (lags: { lag: number }[]) => lags.reduce((n, l) => n + l.lag, 0);
