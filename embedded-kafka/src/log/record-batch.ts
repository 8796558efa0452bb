// RecordBatch (magic 2) header fields the broker needs. The broker never decodes records: it stores
// producers' batches as they are and patches only baseOffset, which lies outside the CRC-32C
// (the CRC covers attributes through the end of the batch), so stored batches verify unchanged.
//
// baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32
// attributes int16 | lastOffsetDelta int32 | firstTimestamp int64 | maxTimestamp int64
// producerId int64 | producerEpoch int16 | baseSequence int32 | recordCount int32 | records...

export const BATCH_HEADER_BYTES = 61;
/** Bytes before batchLength's count starts: baseOffset + batchLength itself. */
export const LOG_OVERHEAD = 12;

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

/** Splits a buffer of back-to-back batches into batch descriptors; throws on anything malformed. */
export function scanBatches(buf: Buffer): BatchInfo[] {
  const out: BatchInfo[] = [];
  let position = 0;
  while (position < buf.length) {
    if (buf.length - position < BATCH_HEADER_BYTES)
      throw new CorruptRecordError('truncated record batch header');
    const batchLength = buf.readInt32BE(position + 8);
    const size = batchLength + LOG_OVERHEAD;
    if (batchLength < BATCH_HEADER_BYTES - LOG_OVERHEAD || position + size > buf.length) {
      throw new CorruptRecordError(`record batch length ${batchLength} does not fit the data`);
    }
    const magic = buf.readInt8(position + 16);
    if (magic !== 2)
      throw new CorruptRecordError(`unsupported record batch magic ${magic} (only v2 is accepted)`);
    out.push({
      position,
      size,
      lastOffsetDelta: buf.readInt32BE(position + 23),
      maxTimestamp: Number(buf.readBigInt64BE(position + 35)),
      recordCount: buf.readInt32BE(position + 57),
    });
    position += size;
  }
  return out;
}

/** The stored CRC and the CRC-32C of the covered bytes, for recovery checks. */
export function crcMatches(batch: Buffer): boolean {
  return batch.readUInt32BE(17) === crc32c(batch, 21, batch.length);
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli), the checksum of RecordBatch v2. */
export function crc32c(buf: Buffer, start = 0, end = buf.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = CRC_TABLE[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
