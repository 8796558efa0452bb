// Publishing one replayed record: its own new trace, whose root span links to the original's
// context (from its `traceparent`), with the replay headers; the kafkajs instrumentation makes the
// `send` span a child of that root and injects the new `traceparent`.
import { createHash } from 'node:crypto';
import {
  context,
  ROOT_CONTEXT,
  isSpanContextValid,
  SpanKind,
  SpanStatusCode,
  trace,
  type Link,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import type { IHeaders, Producer } from 'kafkajs';
import { REPLAY_HEADER } from '@webstore/producer-client';
import { headerString } from '@webstore/schemas';
import type { WindowMessage } from './window.js';

export const REPLAY_OF_HEADER = 'webstore_replay_of';
/** The original `ce_id` of a copy that got a new one (`--as-new`). */
export const ORIGINAL_ID_HEADER = 'webstore_original_ce_id';
export const REDRIVE_OF_HEADER = 'webstore_redrive_of';
export const REDRIVE_COUNT_HEADER = 'webstore_redrive_count';

const globalTracer = () => trace.getTracer('@webstore/replay');

/** The span context in a W3C `traceparent` value, or undefined when it is not one. */
export function parseTraceparent(value: string | undefined): SpanContext | undefined {
  const m = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/.exec(value?.trim() ?? '');
  if (!m || m[2] === '0'.repeat(32) || m[3] === '0'.repeat(16)) return undefined;
  return { traceId: m[2]!, spanId: m[3]!, traceFlags: parseInt(m[4]!, 16), isRemote: true };
}

/** A new event id derived from the replay and the original id: the same replay gives the same id. */
export function replayEventId(replayId: string, originalId: string): string {
  const hex = createHash('sha256').update(`${replayId}/${originalId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-b${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const v = headerString(headers, name);
    if (v !== undefined && value !== undefined) result[name] = v;
  }
  return result;
}

export interface CopyOptions {
  replayId: string;
  kind: 'republish' | 'dlq';
  target: string;
  /** Give the copy a new ce_id (republish --as-new). */
  asNew?: boolean;
  /** Where the replay spans go (default: the global tracer the telemetry preload registers). */
  tracer?: Tracer;
}

/** Sends a copy of `m` to `options.target` in a new trace linked to the original. */
export async function publishCopy(
  producer: Producer,
  m: WindowMessage,
  options: CopyOptions,
): Promise<void> {
  const original = stringHeaders(m.message.headers);
  const origin = `${m.topic}/${m.partition}/${m.offset}`;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(original)) {
    // The new trace's context is injected by the instrumentation; dead-letter notes stay behind.
    if (name === 'traceparent' || name === 'tracestate') continue;
    if (options.kind === 'dlq' && name.startsWith('dlq_')) continue;
    headers[name] = value;
  }
  const originalId = original.ce_id;
  if (options.kind === 'republish') {
    headers[REPLAY_HEADER] = options.replayId;
    headers[REPLAY_OF_HEADER] = origin;
    if (originalId) {
      headers[ORIGINAL_ID_HEADER] = originalId;
      if (options.asNew) headers.ce_id = replayEventId(options.replayId, originalId);
    }
  } else {
    headers[REDRIVE_OF_HEADER] = origin;
    headers[REDRIVE_COUNT_HEADER] = String(Number(original[REDRIVE_COUNT_HEADER] ?? 0) + 1);
    headers['webstore_redrive_id'] = options.replayId;
  }
  const linked = parseTraceparent(original.traceparent);
  const links: Link[] = linked
    ? [
        {
          context: linked,
          attributes: { 'webstore.link': options.kind === 'dlq' ? 'redrive_of' : 'replay_of' },
        },
      ]
    : [];
  const span = (options.tracer ?? globalTracer()).startSpan(
    `${options.kind === 'dlq' ? 'redrive' : 'replay'} ${options.target}`,
    {
      root: true,
      kind: SpanKind.INTERNAL,
      links,
      attributes: {
        'webstore.replay': options.kind === 'republish',
        'webstore.replay.id': options.replayId,
        'webstore.replay.kind': options.kind,
        'webstore.replay.of': origin,
        'messaging.destination.name': options.target,
        ...(originalId ? { 'webstore.replay.original_event_id': originalId } : {}),
      },
    },
  );
  // The new trace's context travels in the copy; the kafkajs instrumentation, when it runs,
  // replaces it with its `send` span's (a child of this one).
  const sc = span.spanContext();
  if (isSpanContextValid(sc))
    headers.traceparent = `00-${sc.traceId}-${sc.spanId}-0${(sc.traceFlags & 1).toString(16)}`;
  try {
    await context.with(trace.setSpan(ROOT_CONTEXT, span), () =>
      producer.send({
        topic: options.target,
        acks: -1,
        messages: [{ key: m.message.key, value: m.message.value, headers }],
      }),
    );
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}
