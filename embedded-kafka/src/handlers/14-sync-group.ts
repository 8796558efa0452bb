// SyncGroup v0–v1
//   Request: group_id string, generation_id int32, member_id string, [assignment: member_id string, assignment bytes]
//   Response v0: error int16, assignment bytes ; v1: throttle_time_ms int32 first
// Followers' replies are held until the leader sends the assignments.
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './registry.js';

export const syncGroupHandler: ApiHandler = {
  apiKey: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 1,
  async handle({ version, state, note }, r) {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    const assignments = new Map(r.array((a) => [a.string(), Buffer.from(a.bytes())] as const));
    note({
      group: groupId,
      member: memberId,
      generation: generationId,
      assignments: assignments.size,
    });
    const group = state.groups.get(groupId);
    const result = group
      ? await group.sync(generationId, memberId, assignments)
      : { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) };
    note({ error: result.errorCode, assignmentBytes: result.assignment.length });
    const w = new Writer();
    if (version >= 1) w.int32(0);
    return w.int16(result.errorCode).bytes(result.assignment);
  },
};
