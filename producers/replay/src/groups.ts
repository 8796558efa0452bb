// Consumer groups as the admin API sees them: state, members, committed offsets and lag.
import type { Admin } from 'kafkajs';

export interface GroupMember {
  memberId: string;
  clientId: string;
  clientHost: string;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Committed offset, or -1 when the group has none for this partition. */
  committed: number;
  low: number;
  high: number;
  /** Records the group has still to read (from the log start when nothing is committed). */
  lag: number;
}

/** State and members of a group (`Dead` with no members when unknown). */
export async function describeGroup(
  admin: Admin,
  groupId: string,
): Promise<{ state: string; members: GroupMember[] }> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  return {
    state: group?.state ?? 'Dead',
    members: (group?.members ?? []).map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      clientHost: m.clientHost,
    })),
  };
}

/** Committed offsets and lag of a group on each partition of the topics. */
export async function groupLag(
  admin: Admin,
  groupId: string,
  topics: string[],
): Promise<PartitionLag[]> {
  if (topics.length === 0) return [];
  const committed = await admin.fetchOffsets({ groupId, topics });
  const result: PartitionLag[] = [];
  for (const { topic, partitions } of committed) {
    const offsets = await admin.fetchTopicOffsets(topic);
    for (const p of offsets) {
      const c = Number(partitions.find((x) => x.partition === p.partition)?.offset ?? -1);
      const low = Number(p.low);
      const high = Number(p.high);
      result.push({
        topic,
        partition: p.partition,
        committed: c,
        low,
        high,
        lag: Math.max(0, high - (c < 0 ? low : c)),
      });
    }
  }
  return result.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

/** Sum of the lag figures. */
export const totalLag = (lags: PartitionLag[]): number => lags.reduce((n, l) => n + l.lag, 0);
