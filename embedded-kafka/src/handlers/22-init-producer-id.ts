// InitProducerId v0
//   Request: transactional_id nullable string, transaction_timeout_ms int32
//   Response: throttle_time_ms int32, error int16, producer_id int64, producer_epoch int16
// For kafkajs's idempotent producer: ids are handed out from a counter; sequences are not checked.
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './registry.js';

export const initProducerIdHandler: ApiHandler = {
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 0,
  handle({ state }, r) {
    const transactionalId = r.nullableString();
    r.int32();
    if (transactionalId !== null)
      return new Writer().int32(0).int16(ErrorCode.COORDINATOR_NOT_AVAILABLE).int64(-1).int16(-1);
    return new Writer().int32(0).int16(ErrorCode.NONE).int64(state.allocateProducerId()).int16(0);
  },
};
