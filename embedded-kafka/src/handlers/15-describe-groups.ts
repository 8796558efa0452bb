// DescribeGroups v0
//   Request: [group_id string]
//   Response: [group: error int16, group_id string, group_state string, protocol_type string, protocol_data string,
//             [member: member_id string, client_id string, client_host string, member_metadata bytes, member_assignment bytes]]
// An unknown group is "Dead" with no error, as Kafka answers before v6.
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './registry.js';

export const describeGroupsHandler: ApiHandler = {
  apiKey: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 0,
  handle({ state }, r) {
    const ids = r.array((x) => x.string());
    const w = new Writer();
    w.array(ids, (out, id) => {
      const group = state.groups.get(id);
      const known = group !== undefined || state.store.groupsWithOffsets().includes(id);
      const stateName = group ? group.state : known ? 'Empty' : 'Dead';
      out
        .int16(0)
        .string(id)
        .string(stateName)
        .string(group?.protocolType ?? (known ? 'consumer' : ''));
      out.string(group?.state === 'Stable' ? group.protocolName : '');
      out.array(group ? [...group.members.values()] : [], (m, member) => {
        const metadata =
          member.protocols.find((p) => p.name === group!.protocolName)?.metadata ?? Buffer.alloc(0);
        m.string(member.memberId)
          .string(member.clientId)
          .string(member.clientHost)
          .bytes(metadata)
          .bytes(member.assignment);
      });
    });
    return w;
  },
};
