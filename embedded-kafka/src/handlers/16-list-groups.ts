// ListGroups v0
//   Request: (empty)
//   Response: error int16, [group: group_id string, protocol_type string]
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './registry.js';

export const listGroupsHandler: ApiHandler = {
  apiKey: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 0,
  handle({ state }) {
    const groups = new Map<string, string>();
    for (const id of state.store.groupsWithOffsets()) groups.set(id, 'consumer');
    for (const [id, group] of state.groups)
      if (group.state !== 'Dead') groups.set(id, group.protocolType || 'consumer');
    const w = new Writer().int16(0);
    return w.array([...groups], (out, [id, type]) => out.string(id).string(type));
  },
};
