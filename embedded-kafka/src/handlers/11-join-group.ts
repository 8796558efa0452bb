// JoinGroup v0–v2
//   Request v0: group_id string, session_timeout_ms int32, member_id string, protocol_type string,
//               [protocol: name string, metadata bytes]
//   v1, v2: + rebalance_timeout_ms int32 after session_timeout_ms (v0 uses the session timeout)
//   Response v0/v1: error int16, generation_id int32, protocol_name string, leader string, member_id string,
//                   [member: member_id string, metadata bytes] ; v2: throttle_time_ms int32 first
// The reply is held until the rebalance completes.
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './registry.js';

export const joinGroupHandler: ApiHandler = {
  apiKey: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 2,
  async handle({ version, state, header, clientHost, note }, r) {
    const groupId = r.string();
    const sessionTimeoutMs = r.int32();
    const rebalanceTimeoutMs = version >= 1 ? r.int32() : sessionTimeoutMs;
    const memberId = r.string();
    const protocolType = r.string();
    const protocols = r.array((p) => ({ name: p.string(), metadata: Buffer.from(p.bytes()) }));
    note({
      group: groupId,
      member: memberId,
      sessionMs: sessionTimeoutMs,
      rebalanceMs: rebalanceTimeoutMs,
      protocols: protocols.map((p) => p.name).join(','),
    });
    const invalid =
      groupId === ''
        ? ErrorCode.INVALID_GROUP_ID
        : sessionTimeoutMs < 1 || sessionTimeoutMs > 3_600_000
          ? ErrorCode.INVALID_SESSION_TIMEOUT
          : 0;
    const result = invalid
      ? {
          errorCode: invalid,
          generationId: -1,
          protocolName: '',
          leader: '',
          memberId,
          members: [],
        }
      : await state.group(groupId).join({
          memberId,
          clientId: header.clientId ?? '',
          clientHost,
          sessionTimeoutMs,
          rebalanceTimeoutMs,
          protocolType,
          protocols,
        });
    note({
      error: result.errorCode,
      generation: result.generationId,
      member: result.memberId,
      leader: result.leader === result.memberId,
    });
    const w = new Writer();
    if (version >= 2) w.int32(0);
    w.int16(result.errorCode)
      .int32(result.generationId)
      .string(result.protocolName)
      .string(result.leader)
      .string(result.memberId);
    w.array(result.members, (out, m) => out.string(m.memberId).bytes(m.metadata));
    return w;
  },
};
