// `rewind`: moves a consumer group's committed offsets (to a time, by a duration, by N records, to
// the start). Kafka only accepts that while the group has no members, so it refuses while some are
// there — naming them — unless asked to pause the owning service for the duration.
import type { Admin } from 'kafkajs';
import { ReplayError } from './errors.js';
import {
  describeGroup,
  groupLag,
  totalLag,
  type GroupMember,
  type PartitionLag,
} from './groups.js';
import { switchConsumer } from './service-switch.js';
import { assertTopic } from './window.js';

export type RewindTarget =
  { toDatetimeMs: number } | { byDurationMs: number } | { shiftBy: number } | { toEarliest: true };

export interface RewindOptions {
  group: string;
  topics: string[];
  target: RewindTarget;
  /** Pause the service at this URL while the offsets move, then resume it. */
  stopService?: { url: string; token: string };
  execute: boolean;
  /** How long to wait for the paused service to leave the group. */
  leaveTimeoutMs?: number;
}

export interface RewindPartition {
  topic: string;
  partition: number;
  from: number;
  to: number;
  /** Records the group will read again (negative when it skips forward). */
  replayed: number;
}

export interface RewindResult {
  group: string;
  state: string;
  members: GroupMember[];
  partitions: RewindPartition[];
  total: number;
  lagBefore: PartitionLag[];
  lagAfter: PartitionLag[] | null;
  executed: boolean;
}

async function targetOffset(
  admin: Admin,
  topic: string,
  target: RewindTarget,
  lag: PartitionLag[],
): Promise<Map<number, number>> {
  const result = new Map<number, number>();
  if ('toEarliest' in target) {
    for (const l of lag) if (l.topic === topic) result.set(l.partition, l.low);
  } else if ('shiftBy' in target) {
    for (const l of lag)
      if (l.topic === topic) {
        const position = l.committed < 0 ? l.low : l.committed;
        result.set(l.partition, Math.min(l.high, Math.max(l.low, position + target.shiftBy)));
      }
  } else {
    const at = 'toDatetimeMs' in target ? target.toDatetimeMs : Date.now() - target.byDurationMs;
    for (const p of await admin.fetchTopicOffsetsByTimestamp(topic, at))
      result.set(p.partition, Number(p.offset));
  }
  return result;
}

async function untilNoMembers(admin: Admin, group: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { members } = await describeGroup(admin, group);
    if (members.length === 0) return;
    if (Date.now() > deadline)
      throw new ReplayError(
        'group-active',
        `group "${group}" still has ${members.length} member(s) ${timeoutMs} ms after its service was paused`,
        409,
        { members },
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Plans (and with `execute`, carries out) a rewind; throws `group-active` (409) when it must. */
export async function rewindGroup(admin: Admin, options: RewindOptions): Promise<RewindResult> {
  const { group, topics } = options;
  if (topics.length === 0)
    throw new ReplayError('invalid-request', 'name the topic(s) to rewind with --topic', 400, {
      field: 'topic',
    });
  for (const topic of topics) await assertTopic(admin, topic);
  const described = await describeGroup(admin, group);
  const lagBefore = await groupLag(admin, group, topics);
  const partitions: RewindPartition[] = [];
  for (const topic of topics) {
    const targets = await targetOffset(admin, topic, options.target, lagBefore);
    for (const l of lagBefore.filter((x) => x.topic === topic)) {
      const from = l.committed < 0 ? l.low : l.committed;
      const to = targets.get(l.partition) ?? from;
      partitions.push({ topic, partition: l.partition, from, to, replayed: from - to });
    }
  }
  const result: RewindResult = {
    group,
    state: described.state,
    members: described.members,
    partitions,
    total: partitions.reduce((n, p) => n + p.replayed, 0),
    lagBefore,
    lagAfter: null,
    executed: false,
  };
  if (!options.execute) return result;
  if (described.members.length > 0 && !options.stopService) {
    const names = described.members.map((m) => `${m.clientId} (${m.memberId} on ${m.clientHost})`);
    throw new ReplayError(
      'group-active',
      `group "${group}" has ${names.length} active member(s): ${names.join(', ')}; stop the service or pass --stop-service`,
      409,
      { group, members: described.members },
    );
  }
  const stop = options.stopService;
  if (stop) {
    await switchConsumer(stop.url, 'pause', stop.token);
    await untilNoMembers(admin, group, options.leaveTimeoutMs ?? 30_000);
  }
  try {
    for (const topic of topics) {
      await admin.setOffsets({
        groupId: group,
        topic,
        partitions: partitions
          .filter((p) => p.topic === topic)
          .map((p) => ({ partition: p.partition, offset: String(p.to) })),
      });
    }
    result.lagAfter = await groupLag(admin, group, topics);
    result.executed = true;
  } finally {
    if (stop) await switchConsumer(stop.url, 'resume', stop.token);
  }
  return result;
}

export { totalLag };
