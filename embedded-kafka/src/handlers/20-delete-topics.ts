// DeleteTopics v0–v1
//   Request: [topic_name string], timeout_ms int32
//   Response v0: [topic: name string, error int16] ; v1: throttle_time_ms int32 first
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './registry.js';

export const deleteTopicsHandler: ApiHandler = {
  apiKey: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 1,
  handle({ version, state }, r) {
    const names = r.array((x) => x.string());
    r.int32();
    const w = new Writer();
    if (version >= 1) w.int32(0);
    w.array(names, (out, name) => {
      const exists = state.store.hasTopic(name);
      if (exists) state.store.deleteTopic(name);
      out.string(name).int16(exists ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    });
    return w;
  },
};
