// Produce v3
//   Request: transactional_id nullable string, acks int16, timeout_ms int32,
//            [topic: name string, [partition: index int32, records nullable bytes]]
//   Response: [topic: name string, [partition: index int32, error int16, base_offset int64,
//             log_append_time_ms int64]], throttle_time_ms int32
// acks=0 gets no response at all, as clients expect.
import { CorruptRecordError } from '../log/record-batch.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './registry.js';

interface PartitionResult {
  index: number;
  error: number;
  baseOffset: number;
}

export const produceHandler: ApiHandler = {
  apiKey: 0,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 3,
  handle({ state, note }, r) {
    r.nullableString();
    const acks = r.int16();
    r.int32();
    const topics = r.array((t) => ({
      name: t.string(),
      partitions: t.array((p) => ({ index: p.int32(), records: p.nullableBytes() })),
    }));
    const results = topics.map(({ name, partitions }) => {
      const exists = state.ensureTopic(name, true);
      return {
        name,
        partitions: partitions.map(({ index, records }): PartitionResult => {
          const log = exists ? state.store.partition(name, index) : undefined;
          if (!log) return { index, error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, baseOffset: -1 };
          if (!records || records.length === 0)
            return { index, error: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1 };
          try {
            const { baseOffset } = log.append(records);
            state.notifyAppend(name, index);
            return { index, error: ErrorCode.NONE, baseOffset };
          } catch (err) {
            if (err instanceof CorruptRecordError)
              return { index, error: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1 };
            throw err;
          }
        }),
      };
    });
    note({
      acks,
      partitions: results
        .flatMap((t) => t.partitions.map((p) => `${t.name}/${p.index}@${p.baseOffset}`))
        .join(' '),
      error: results.flatMap((t) => t.partitions).find((p) => p.error !== 0)?.error ?? 0,
    });
    if (acks === 0) return null;
    const w = new Writer();
    w.array(results, (out, t) => {
      out.string(t.name);
      out.array(t.partitions, (p, x) =>
        p.int32(x.index).int16(x.error).int64(x.baseOffset).int64(-1),
      );
    });
    return w.int32(0);
  },
};
