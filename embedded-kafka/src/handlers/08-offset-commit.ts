// OffsetCommit v2
//   Request: group_id string, generation_id int32, member_id string, retention_time_ms int64,
//            [topic: name string, [partition: index int32, committed_offset int64, metadata nullable string]]
//   Response: [topic: name string, [partition: index int32, error int16]]
// Commits from members must match the generation; "simple" commits (generation -1, no member)
// are accepted only while the group has no members (admin resetOffsets / setOffsets).
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './registry.js';

export const offsetCommitHandler: ApiHandler = {
  apiKey: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 2,
  handle({ state, note }, r) {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    r.int64();
    const topics = r.array((t) => ({
      name: t.string(),
      partitions: t.array((p) => ({
        index: p.int32(),
        offset: p.int64(),
        metadata: p.nullableString(),
      })),
    }));
    const groupError = state.group(groupId).validateCommit(generationId, memberId);
    note({
      group: groupId,
      member: memberId,
      generation: generationId,
      offsets: topics
        .flatMap((t) => t.partitions.map((p) => `${t.name}/${p.index}=${p.offset}`))
        .join(' '),
      error: groupError,
    });
    const w = new Writer();
    w.array(topics, (out, t) => {
      out.string(t.name);
      out.array(t.partitions, (p, { index, offset, metadata }) => {
        let error: number = groupError;
        if (!error && !state.store.partition(t.name, index))
          error = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        if (!error) state.store.commitOffset(groupId, t.name, index, offset, metadata);
        p.int32(index).int16(error);
      });
    });
    return w;
  },
};
