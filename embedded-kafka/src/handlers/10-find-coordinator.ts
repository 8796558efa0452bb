// FindCoordinator v0–v1
//   Request v0: key string ; v1: + key_type int8 (0 group, 1 transaction)
//   Response v0: error int16, node_id int32, host string, port int32
//   v1: throttle_time_ms int32, error int16, error_message nullable string, node_id, host, port
// This broker coordinates every group; transactions are not offered.
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './registry.js';

export const findCoordinatorHandler: ApiHandler = {
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 1,
  handle({ version, state, note }, r) {
    const key = r.string();
    const keyType = version >= 1 ? r.int8() : 0;
    const error = keyType === 0 ? ErrorCode.NONE : ErrorCode.COORDINATOR_NOT_AVAILABLE;
    note({ key, keyType, error });
    const { nodeId, host, port } = state.identity;
    const w = new Writer();
    if (version >= 1) w.int32(0);
    w.int16(error);
    if (version >= 1)
      w.string(error ? 'transactions are not supported by the embedded broker' : null);
    return error ? w.int32(-1).string('').int32(-1) : w.int32(nodeId).string(host).int32(port);
  },
};
