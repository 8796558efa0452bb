// Reading a window of a topic: per partition, the offsets a time range covers (from ListOffsets by
// timestamp, which has batch precision, then exact by each record's timestamp), and the records
// in it, read by a throwaway reader that never commits.
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { ReplayError } from './errors.js';

/** A record with where it was read from. */
export interface WindowMessage {
  topic: string;
  partition: number;
  offset: number;
  timestampMs: number;
  message: KafkaMessage;
}

export interface PartitionRange {
  partition: number;
  /** First offset to read. */
  start: number;
  /** One past the last offset to read (the high watermark when the window ends after it). */
  end: number;
}

/** Prefix of the reader groups the tool uses, so group listings can leave them out. */
export const READER_GROUP_PREFIX = 'webstore-replay-reader-';

/** Throws `unknown-topic` (404) unless the topic exists. */
export async function assertTopic(admin: Admin, topic: string): Promise<void> {
  const topics = await admin.listTopics();
  if (!topics.includes(topic))
    throw new ReplayError('unknown-topic', `topic "${topic}" does not exist`, 404, {
      topic,
      known: topics.filter((t) => !t.startsWith('__')).sort(),
    });
}

/** The offsets of each partition that a time range can hold records in. */
export async function rangesFor(
  admin: Admin,
  topic: string,
  fromMs: number | undefined,
): Promise<PartitionRange[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const starts =
    fromMs === undefined ? undefined : await admin.fetchTopicOffsetsByTimestamp(topic, fromMs);
  return offsets
    .map((p) => {
      const low = Number(p.low);
      const high = Number(p.high);
      const byTime = starts?.find((s) => s.partition === p.partition)?.offset;
      const start = byTime === undefined ? low : Math.max(low, Number(byTime));
      return { partition: p.partition, start: Math.min(start, high), end: high };
    })
    .sort((a, b) => a.partition - b.partition);
}

/**
 * Reads the given offset ranges of a topic and hands each record to `onMessage`, partition by
 * partition in offset order. Stops early when `signal` aborts.
 */
export async function readRanges(
  kafka: Kafka,
  topic: string,
  ranges: PartitionRange[],
  onMessage: (m: WindowMessage) => void,
  signal?: AbortSignal,
): Promise<void> {
  const todo = new Map(ranges.filter((r) => r.end > r.start).map((r) => [r.partition, r]));
  if (todo.size === 0) return;
  const consumer = kafka.consumer({
    groupId: `${READER_GROUP_PREFIX}${randomUUID()}`,
    maxWaitTimeInMs: 100,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
  });
  let finish!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const onAbort = () => finish();
  signal?.addEventListener('abort', onAbort);
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    consumer.on(consumer.events.CRASH, (e) => fail(e.payload.error));
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const range = todo.get(batch.partition);
        if (!range) return;
        for (const message of batch.messages) {
          if (signal?.aborted) return;
          const offset = Number(message.offset);
          if (offset < range.start) continue;
          if (offset >= range.end) break;
          onMessage({
            topic,
            partition: batch.partition,
            offset,
            timestampMs: Number(message.timestamp),
            message,
          });
          if (offset === range.end - 1) break;
        }
        const last = Number(batch.lastOffset());
        if (last >= range.end - 1) {
          todo.delete(batch.partition);
          consumer.pause([{ topic, partitions: [batch.partition] }]);
          if (todo.size === 0) finish();
        }
      },
    });
    for (const range of todo.values())
      consumer.seek({ topic, partition: range.partition, offset: String(range.start) });
    await done;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await consumer.disconnect();
  }
}
