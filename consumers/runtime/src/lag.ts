// Consumer lag as the owner of each partition sees it: the messages between the group's committed
// position and the partition's high watermark. Reported only for the partitions this instance owns
// and labelled with its service.instance.id, so replicas do not report each other's partitions
// twice and a partition's lag follows its owner.
import type { Admin } from 'kafkajs';

export interface LagPoint {
  value: number;
  attributes: Record<string, string>;
}

/** One point per owned partition; a partition never committed counts from its low watermark. */
export async function lagPoints(
  admin: Admin,
  groupId: string,
  owned: Record<string, number[]>,
  instance: string,
): Promise<LagPoint[]> {
  const points: LagPoint[] = [];
  for (const [topic, partitions] of Object.entries(owned)) {
    if (partitions.length === 0) continue;
    const [high, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    for (const partition of partitions) {
      const watermarks = high.find((h) => h.partition === partition);
      const offset = committed[0]?.partitions.find((p) => p.partition === partition)?.offset;
      const position =
        offset === undefined || Number(offset) < 0 ? Number(watermarks?.low ?? 0) : Number(offset);
      points.push({
        value: Math.max(0, Number(watermarks?.high ?? 0) - position),
        attributes: {
          topic,
          group: groupId,
          partition: String(partition),
          service_instance_id: instance,
        },
      });
    }
  }
  return points;
}
