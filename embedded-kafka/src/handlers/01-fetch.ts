// Fetch v4
//   Request: replica_id int32, max_wait_ms int32, min_bytes int32, max_bytes int32, isolation_level int8,
//            [topic: name string, [partition: index int32, fetch_offset int64, partition_max_bytes int32]]
//   Response: throttle_time_ms int32, [topic: name string, [partition: index int32, error int16,
//             high_watermark int64, last_stable_offset int64, [aborted: producer_id int64, first_offset int64],
//             records bytes]]
// Long poll: with fewer than min_bytes available and no error, the answer waits until a Produce
// appends to one of the partitions or max_wait_ms passes. Empty record sets are 0-length bytes,
// never null (librdkafka rejects -1).
import { partitionKey, type BrokerState } from '../broker-state.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './registry.js';

interface FetchPartition {
  index: number;
  fetchOffset: number;
  maxBytes: number;
}

interface FetchTopic {
  name: string;
  partitions: FetchPartition[];
}

interface PartitionData {
  index: number;
  error: number;
  highWatermark: number;
  records: Buffer[];
}

function gather(state: BrokerState, topics: FetchTopic[], maxBytes: number) {
  let bytes = 0;
  let error = false;
  const data = topics.map(({ name, partitions }) => ({
    name,
    partitions: partitions.map(({ index, fetchOffset, maxBytes: partitionMax }): PartitionData => {
      const log = state.store.partition(name, index);
      if (!log) {
        error = true;
        return {
          index,
          error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          highWatermark: -1,
          records: [],
        };
      }
      const highWatermark = log.highWatermark;
      if (fetchOffset < log.logStartOffset || fetchOffset > highWatermark) {
        error = true;
        return { index, error: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark, records: [] };
      }
      // The first partition with data always returns at least one batch (KIP-74).
      const budget = Math.min(partitionMax, bytes === 0 ? partitionMax : maxBytes - bytes);
      const records = budget > 0 || bytes === 0 ? log.read(fetchOffset, Math.max(budget, 1)) : [];
      bytes += records.reduce((n, b) => n + b.length, 0);
      return { index, error: ErrorCode.NONE, highWatermark, records };
    }),
  }));
  return { data, bytes, error };
}

export const fetchHandler: ApiHandler = {
  apiKey: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 4,
  async handle({ state, note }, r) {
    r.int32();
    const maxWaitMs = r.int32();
    const minBytes = r.int32();
    const maxBytes = r.int32();
    r.int8();
    const topics: FetchTopic[] = r.array((t) => ({
      name: t.string(),
      partitions: t.array((p) => ({
        index: p.int32(),
        fetchOffset: p.int64(),
        maxBytes: p.int32(),
      })),
    }));
    note({
      maxWaitMs,
      minBytes,
      partitions: topics
        .flatMap((t) => t.partitions.map((p) => `${t.name}/${p.index}@${p.fetchOffset}`))
        .join(' '),
    });
    const keys = topics.flatMap((t) => t.partitions.map((p) => partitionKey(t.name, p.index)));
    const deadline = Date.now() + Math.max(0, maxWaitMs);
    let result = gather(state, topics, maxBytes);
    while (!result.error && result.bytes < Math.max(minBytes, 1) && Date.now() < deadline) {
      await state.waitForAppend(keys, deadline - Date.now());
      result = gather(state, topics, maxBytes);
    }
    note({
      bytes: result.bytes,
      error: result.data.flatMap((t) => t.partitions).find((p) => p.error !== 0)?.error ?? 0,
    });
    const w = new Writer().int32(0);
    w.array(result.data, (out, t) => {
      out.string(t.name);
      out.array(t.partitions, (p, x) => {
        p.int32(x.index).int16(x.error).int64(x.highWatermark).int64(x.highWatermark);
        p.int32(0);
        p.bytesFrom(x.records);
      });
    });
    return w;
  },
};
