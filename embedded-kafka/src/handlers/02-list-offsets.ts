// ListOffsets v1
//   Request: replica_id int32, [topic: name string, [partition: index int32, timestamp int64]]
//   Response: [topic: name string, [partition: index int32, error int16, timestamp int64, offset int64]]
// timestamp -1 = latest (high watermark), -2 = earliest (log start), otherwise the first batch whose
// max timestamp is at or after it (batch precision); none → offset -1.
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './registry.js';

export const listOffsetsHandler: ApiHandler = {
  apiKey: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 1,
  handle({ state, note }, r) {
    r.int32();
    const topics = r.array((t) => ({
      name: t.string(),
      partitions: t.array((p) => ({ index: p.int32(), timestamp: p.int64() })),
    }));
    note({
      partitions: topics
        .flatMap((t) => t.partitions.map((p) => `${t.name}/${p.index}@${p.timestamp}`))
        .join(' '),
    });
    const w = new Writer();
    w.array(topics, (out, t) => {
      out.string(t.name);
      out.array(t.partitions, (p, { index, timestamp }) => {
        const log = state.store.partition(t.name, index);
        if (!log) {
          p.int32(index).int16(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).int64(-1).int64(-1);
          return;
        }
        const offset =
          timestamp === -1
            ? log.highWatermark
            : timestamp === -2
              ? log.logStartOffset
              : (log.offsetForTimestamp(timestamp) ?? -1);
        p.int32(index)
          .int16(ErrorCode.NONE)
          .int64(timestamp < 0 ? -1 : offset === -1 ? -1 : timestamp)
          .int64(offset);
      });
    });
    return w;
  },
};
