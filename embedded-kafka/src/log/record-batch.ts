// RecordBatch (magic 2) header fields the broker needs. The broker never decodes records: it stores
// producers' batches as they are and patches only baseOffset, which lies outside the CRC-32C
// (the CRC covers attributes through the end of the batch), so stored batches verify unchanged.
//
// baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32
// attributes int16 | lastOffsetDelta int32 | firstTimestamp int64 | maxTimestamp int64
// producerId int64 | producerEpoch int16 | baseSequence int32 | recordCount int32 | records...
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

export const BATCH_HEADER_BYTES = 61;
/** Bytes before batchLength's count starts: baseOffset + batchLength itself. */
export const LOG_OVERHEAD = 12;
/** Where the CRC-covered bytes start (attributes). */
const CRC_START = 21;

export class CorruptRecordError extends Error {
  override readonly name = 'CorruptRecordError';
}

export interface BatchInfo {
  /** Start of the batch within the buffer it was read from. */
  position: number;
  /** Total size of the batch including baseOffset and batchLength. */
  size: number;
  lastOffsetDelta: number;
  maxTimestamp: number;
  recordCount: number;
}

/**
 * Reads the header of the batch at `position` and checks what can be checked without the body:
 * room for a header, a length that fits `available` bytes, magic 2, and offsets that match the
 * record count. Returns the problem as a message, or the batch's description.
 */
export function batchHeaderAt(
  buf: Buffer,
  position: number,
  available = buf.length,
): BatchInfo | string {
  if (available - position < BATCH_HEADER_BYTES) return 'truncated record batch header';
  const batchLength = buf.readInt32BE(position + 8);
  const size = batchLength + LOG_OVERHEAD;
  if (batchLength < BATCH_HEADER_BYTES - LOG_OVERHEAD || position + size > available)
    return `record batch length ${batchLength} does not fit the data`;
  const magic = buf.readInt8(position + 16);
  if (magic !== 2) return `unsupported record batch magic ${magic} (only v2 is accepted)`;
  const lastOffsetDelta = buf.readInt32BE(position + 23);
  const recordCount = buf.readInt32BE(position + 57);
  if (recordCount < 1 || lastOffsetDelta !== recordCount - 1)
    return `record batch with ${recordCount} records has lastOffsetDelta ${lastOffsetDelta}`;
  return {
    position,
    size,
    lastOffsetDelta,
    maxTimestamp: Number(buf.readBigInt64BE(position + 35)),
    recordCount,
  };
}

/**
 * Splits a produced buffer of back-to-back batches into batch descriptors, validating each one
 * completely (header, lengths, offsets, CRC-32C); throws on the first problem, so a request is
 * stored whole or not at all.
 */
export function scanBatches(buf: Buffer): BatchInfo[] {
  const out: BatchInfo[] = [];
  let position = 0;
  while (position < buf.length) {
    const info = batchHeaderAt(buf, position);
    if (typeof info === 'string') throw new CorruptRecordError(info);
    if (!crcMatches(buf.subarray(position, position + info.size)))
      throw new CorruptRecordError(`record batch at byte ${position} fails its CRC-32C check`);
    out.push(info);
    position += info.size;
  }
  return out;
}

/** True when the batch's stored CRC equals the CRC-32C of the bytes it covers. */
export function crcMatches(batch: Buffer): boolean {
  return batch.readUInt32BE(17) === crc32c(batch, CRC_START, batch.length);
}

/** CRC-32C (Castagnoli), the checksum of RecordBatch v2. */
export function crc32c(buf: Buffer, start = 0, end = buf.length): number {
  return nativeCrc32c(buf.subarray(start, end)) >>> 0;
}
