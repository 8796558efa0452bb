// CreateTopics v0–v1
//   Request: [topic: name string, num_partitions int32, replication_factor int16,
//             [assignment: partition int32, [broker_id int32]], [config: name string, value nullable string]],
//            timeout_ms int32 ; v1: + validate_only bool
//   Response v0: [topic: name string, error int16] ; v1: + error_message nullable string
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './registry.js';

const MESSAGES: Record<number, string> = {
  [ErrorCode.TOPIC_ALREADY_EXISTS]: 'topic already exists',
  [ErrorCode.INVALID_PARTITIONS]: 'number of partitions must be between 1 and 10000',
  [ErrorCode.INVALID_TOPIC_EXCEPTION]: 'topic names use [a-zA-Z0-9._-], at most 249 characters',
  [ErrorCode.INVALID_REPLICATION_FACTOR]: 'this single-node broker supports replication factor 1',
};

export const createTopicsHandler: ApiHandler = {
  apiKey: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 1,
  handle({ version, state }, r) {
    const topics = r.array((t) => {
      const name = t.string();
      const partitions = t.int32();
      const replicationFactor = t.int16();
      const assignments = t.array((a) => ({
        partition: a.int32(),
        brokers: a.array((b) => b.int32()),
      }));
      t.array((c) => [c.string(), c.nullableString()]);
      return {
        name,
        partitions:
          partitions === -1 ? assignments.length || state.identity.defaultPartitions : partitions,
        replicationFactor,
      };
    });
    r.int32();
    const validateOnly = version >= 1 ? r.bool() : false;
    const w = new Writer();
    w.array(topics, (out, t) => {
      let error: number =
        t.replicationFactor !== 1 && t.replicationFactor !== -1
          ? ErrorCode.INVALID_REPLICATION_FACTOR
          : ErrorCode.NONE;
      if (!error && validateOnly)
        error = state.store.hasTopic(t.name) ? ErrorCode.TOPIC_ALREADY_EXISTS : ErrorCode.NONE;
      else if (!error) error = state.createTopic(t.name, t.partitions);
      out.string(t.name).int16(error);
      if (version >= 1) out.string(error ? (MESSAGES[error] ?? null) : null);
    });
    return w;
  },
};
