// OffsetFetch v1
//   Request: group_id string, [topic: name string, [partition_index int32]]
//   Response: [topic: name string, [partition: index int32, committed_offset int64, metadata nullable string, error int16]]
// A partition without a commit answers offset -1 and no error.
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './registry.js';

export const offsetFetchHandler: ApiHandler = {
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 1,
  handle({ state, note }, r) {
    const groupId = r.string();
    const topics = r.array((t) => ({ name: t.string(), partitions: t.array((p) => p.int32()) }));
    note({
      group: groupId,
      offsets: topics
        .flatMap((t) =>
          t.partitions.map(
            (p) => `${t.name}/${p}=${state.store.fetchOffset(groupId, t.name, p)?.offset ?? -1}`,
          ),
        )
        .join(' '),
    });
    const w = new Writer();
    w.array(topics, (out, t) => {
      out.string(t.name);
      out.array(t.partitions, (p, index) => {
        const committed = state.store.fetchOffset(groupId, t.name, index);
        p.int32(index)
          .int64(committed?.offset ?? -1)
          .string(committed?.metadata ?? '')
          .int16(0);
      });
    });
    return w;
  },
};
