// Metadata v0–v4
//   Request v0: [topic string] (empty = all) ; v1–v3: nullable array (null = all, empty = none)
//   v4: + allow_auto_topic_creation bool
//   Response v0: [brokers: node_id int32, host string, port int32]
//                [topics: error int16, name string, [partitions: error int16, index int32, leader int32, [replica int32], [isr int32]]]
//   v1: broker + rack nullable string; controller_id int32 after brokers; topic + is_internal bool after name
//   v2: + cluster_id nullable string before controller_id ; v3, v4: throttle_time_ms int32 first
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './registry.js';

export const metadataHandler: ApiHandler = {
  apiKey: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 4,
  handle({ version, state, note }, r) {
    const requested =
      version === 0 ? r.array((x) => x.string()) : r.nullableArray((x) => x.string());
    const allowAutoCreate = version >= 4 ? r.bool() : true;
    const all = requested === null || (version === 0 && requested.length === 0);
    const names = all ? state.store.topicNames() : requested!;
    const { nodeId, host, port, clusterId } = state.identity;
    note({ topics: all ? 'all' : names.join(','), allowAutoCreate });

    const w = new Writer();
    if (version >= 3) w.int32(0);
    w.array([0], (out) => {
      out.int32(nodeId).string(host).int32(port);
      if (version >= 1) out.string(null);
    });
    if (version >= 2) w.string(clusterId);
    if (version >= 1) w.int32(nodeId);
    w.array(names, (out, name) => {
      const exists = state.ensureTopic(name, allowAutoCreate && !all);
      const partitions = exists ? state.store.partitionCount(name) : 0;
      out.int16(exists ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).string(name);
      if (version >= 1) out.bool(false);
      out.array(
        Array.from({ length: partitions }, (_, i) => i),
        (p, index) => {
          p.int16(0).int32(index).int32(nodeId);
          p.array([nodeId], (x, id) => x.int32(id));
          p.array([nodeId], (x, id) => x.int32(id));
        },
      );
    });
    return w;
  },
};
