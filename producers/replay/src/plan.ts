// `plan`: what a window of a topic holds, per partition — the offsets it spans, how many records
// match the filters, their event types and a few keys. Every other command starts from a plan.
import type { Admin, Kafka } from 'kafkajs';
import { ReplayError } from './errors.js';
import { eventTypeOf, matches, type MessageFilter } from './filters.js';
import { assertTopic, rangesFor, readRanges, type WindowMessage } from './window.js';

export interface WindowSpec {
  topic: string;
  /** Epoch ms, inclusive; undefined = the start of the log. */
  fromMs?: number;
  /** Epoch ms, exclusive; undefined = now. */
  toMs?: number;
  filter?: MessageFilter;
}

export interface PartitionPlan {
  partition: number;
  /** First and last offset of a matching record (null when none matches). */
  fromOffset: number | null;
  toOffset: number | null;
  /** Records read in the window's offsets, and those inside the time range that match. */
  scanned: number;
  matched: number;
  eventTypes: Record<string, number>;
  sampleKeys: string[];
}

export interface Plan {
  topic: string;
  from: string | null;
  to: string;
  filter: MessageFilter;
  partitions: PartitionPlan[];
  total: number;
  eventTypes: Record<string, number>;
  sampleKeys: string[];
}

const SAMPLE_KEYS = 5;

/** Checks the window's times: throws `invalid-window` when `to` is not after `from`. */
export function checkWindow(spec: WindowSpec): void {
  if (spec.fromMs !== undefined && spec.toMs !== undefined && spec.toMs <= spec.fromMs)
    throw new ReplayError(
      'invalid-window',
      `"to" (${new Date(spec.toMs).toISOString()}) must be after "from" (${new Date(spec.fromMs).toISOString()})`,
      400,
      { field: 'to' },
    );
}

/** Reads the window and returns its plan and the matching records, in offset order per partition. */
export async function planWindow(
  kafka: Kafka,
  admin: Admin,
  spec: WindowSpec,
  signal?: AbortSignal,
): Promise<{ plan: Plan; messages: WindowMessage[] }> {
  checkWindow(spec);
  await assertTopic(admin, spec.topic);
  const toMs = spec.toMs ?? Date.now();
  const filter = spec.filter ?? {};
  const ranges = await rangesFor(admin, spec.topic, spec.fromMs);
  const partitions = new Map<number, PartitionPlan>(
    ranges.map((r) => [
      r.partition,
      {
        partition: r.partition,
        fromOffset: null,
        toOffset: null,
        scanned: 0,
        matched: 0,
        eventTypes: {},
        sampleKeys: [],
      },
    ]),
  );
  const messages: WindowMessage[] = [];
  await readRanges(
    kafka,
    spec.topic,
    ranges,
    (m) => {
      const p = partitions.get(m.partition)!;
      p.scanned++;
      if (spec.fromMs !== undefined && m.timestampMs < spec.fromMs) return;
      if (m.timestampMs >= toMs) return;
      if (!matches(m.message, filter)) return;
      p.matched++;
      p.fromOffset ??= m.offset;
      p.toOffset = m.offset;
      const type = eventTypeOf(m.message);
      p.eventTypes[type] = (p.eventTypes[type] ?? 0) + 1;
      const key = m.message.key?.toString();
      if (key && p.sampleKeys.length < SAMPLE_KEYS && !p.sampleKeys.includes(key))
        p.sampleKeys.push(key);
      messages.push(m);
    },
    signal,
  );
  const list = [...partitions.values()];
  const eventTypes: Record<string, number> = {};
  for (const p of list)
    for (const [type, n] of Object.entries(p.eventTypes))
      eventTypes[type] = (eventTypes[type] ?? 0) + n;
  return {
    plan: {
      topic: spec.topic,
      from: spec.fromMs === undefined ? null : new Date(spec.fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      filter,
      partitions: list,
      total: list.reduce((n, p) => n + p.matched, 0),
      eventTypes,
      sampleKeys: [...new Set(list.flatMap((p) => p.sampleKeys))].slice(0, SAMPLE_KEYS),
    },
    messages,
  };
}

/** Throws `empty-window` when a plan matched nothing (an execute would do nothing). */
export function assertNotEmpty(plan: Plan): void {
  if (plan.total === 0)
    throw new ReplayError(
      'empty-window',
      `no record of ${plan.topic} between ${plan.from ?? 'the start'} and ${plan.to} matches the filters`,
      422,
      { topic: plan.topic, from: plan.from, to: plan.to },
    );
}
