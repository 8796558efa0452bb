// Heartbeat v0–v1
//   Request: group_id string, generation_id int32, member_id string
//   Response v0: error int16 ; v1: throttle_time_ms int32, error int16
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './registry.js';

export const heartbeatHandler: ApiHandler = {
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 1,
  handle({ version, state, note }, r) {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    const error =
      state.groups.get(groupId)?.heartbeat(generationId, memberId) ?? ErrorCode.UNKNOWN_MEMBER_ID;
    note({ group: groupId, member: memberId, generation: generationId, error });
    const w = new Writer();
    if (version >= 1) w.int32(0);
    return w.int16(error);
  },
};
