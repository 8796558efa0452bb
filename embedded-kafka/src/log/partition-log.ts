// One partition's log: segments of producers' record batches, each batch stored as received with
// only baseOffset patched. Batches stay in memory for reads; with a directory they are also written
// to append-only segment files (synchronously, so an acknowledged append survives a killed process)
// and read back on open, truncating a torn tail left by a crash.
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { CorruptRecordError, LOG_OVERHEAD, crcMatches, scanBatches } from './record-batch.js';

interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  buf: Buffer;
}

interface Segment {
  baseOffset: number;
  batches: StoredBatch[];
  bytes: number;
  fd?: number;
  path?: string;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
}

export interface PartitionLogOptions {
  /** Directory for segment files; omit to keep the log in memory only. */
  dir?: string;
  segmentBytes: number;
}

const SEGMENT_SUFFIX = '.log';

export class PartitionLog {
  private readonly segments: Segment[] = [];
  private nextOffset = 0;

  constructor(private readonly options: PartitionLogOptions) {
    if (options.dir) {
      mkdirSync(options.dir, { recursive: true });
      this.recover(options.dir);
    }
    if (this.segments.length === 0) this.roll(this.nextOffset);
  }

  get logStartOffset(): number {
    const first = this.segments.find((s) => s.batches.length > 0);
    return first ? first.batches[0]!.baseOffset : this.nextOffset;
  }

  /** The log end offset; with one replica it is also the high watermark. */
  get highWatermark(): number {
    return this.nextOffset;
  }

  get sizeBytes(): number {
    return this.segments.reduce((n, s) => n + s.bytes, 0);
  }

  /** Appends one or more batches atomically: all are validated before any is stored. */
  append(recordBatches: Buffer): AppendResult {
    const infos = scanBatches(recordBatches);
    if (infos.length === 0) throw new CorruptRecordError('empty record set');
    const baseOffset = this.nextOffset;
    const stored: StoredBatch[] = [];
    let offset = baseOffset;
    for (const info of infos) {
      const buf = Buffer.from(recordBatches.subarray(info.position, info.position + info.size));
      buf.writeBigInt64BE(BigInt(offset), 0);
      stored.push({
        baseOffset: offset,
        lastOffset: offset + info.lastOffsetDelta,
        maxTimestamp: info.maxTimestamp,
        buf,
      });
      offset += info.lastOffsetDelta + 1;
    }
    let segment = this.segments.at(-1)!;
    if (segment.bytes > 0 && segment.bytes + recordBatches.length > this.options.segmentBytes)
      segment = this.roll(baseOffset);
    if (segment.fd !== undefined) {
      const bytes = stored.length === 1 ? stored[0]!.buf : Buffer.concat(stored.map((b) => b.buf));
      writeSync(segment.fd, bytes);
    }
    for (const batch of stored) {
      segment.batches.push(batch);
      segment.bytes += batch.buf.length;
    }
    this.nextOffset = offset;
    return { baseOffset, lastOffset: offset - 1 };
  }

  /**
   * Whole batches from the one containing `fromOffset`, up to `maxBytes` — but always at least one
   * batch when there is one, so a batch larger than the limit still makes progress (KIP-74).
   */
  read(fromOffset: number, maxBytes: number): Buffer[] {
    const out: Buffer[] = [];
    let bytes = 0;
    for (const segment of this.segmentsFrom(fromOffset)) {
      let i = firstBatchEndingAtOrAfter(segment.batches, fromOffset);
      for (; i < segment.batches.length; i++) {
        const batch = segment.batches[i]!;
        if (out.length > 0 && bytes + batch.buf.length > maxBytes) return out;
        out.push(batch.buf);
        bytes += batch.buf.length;
      }
    }
    return out;
  }

  /** The base offset of the first batch whose max timestamp is at or after `timestampMs`. */
  offsetForTimestamp(timestampMs: number): number | undefined {
    for (const segment of this.segments) {
      for (const batch of segment.batches)
        if (batch.maxTimestamp >= timestampMs) return batch.baseOffset;
    }
    return undefined;
  }

  /** Deletes whole segments that are older than `retentionMs` or beyond `retentionBytes`. */
  applyRetention(nowMs: number, retentionMs: number, retentionBytes: number): void {
    const expired = (s: Segment) =>
      retentionMs >= 0 &&
      s.batches.length > 0 &&
      s.batches.at(-1)!.maxTimestamp < nowMs - retentionMs;
    // An active segment that has wholly expired is rolled so it can be deleted like the others.
    if (expired(this.segments.at(-1)!)) this.roll(this.nextOffset);
    let total = this.sizeBytes;
    while (this.segments.length > 1) {
      const oldest = this.segments[0]!;
      const overSize = retentionBytes >= 0 && total > retentionBytes;
      if (!expired(oldest) && !overSize && oldest.batches.length > 0) break;
      this.deleteSegment(oldest);
      this.segments.shift();
      total -= oldest.bytes;
    }
  }

  close(): void {
    for (const s of this.segments) if (s.fd !== undefined) closeSync(s.fd);
  }

  private segmentsFrom(offset: number): Segment[] {
    let start = 0;
    for (let i = 0; i < this.segments.length; i++)
      if (this.segments[i]!.baseOffset <= offset) start = i;
    return this.segments.slice(start);
  }

  private roll(baseOffset: number): Segment {
    const segment: Segment = { baseOffset, batches: [], bytes: 0 };
    if (this.options.dir) {
      segment.path = join(
        this.options.dir,
        `${String(baseOffset).padStart(20, '0')}${SEGMENT_SUFFIX}`,
      );
      segment.fd = openSync(segment.path, 'a');
    }
    this.segments.push(segment);
    return segment;
  }

  private deleteSegment(segment: Segment): void {
    if (segment.fd !== undefined) closeSync(segment.fd);
    if (segment.path) rmSync(segment.path, { force: true });
  }

  /** Loads segment files; a partial or corrupt batch at the end of a file is truncated away. */
  private recover(dir: string): void {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(SEGMENT_SUFFIX))
      .sort();
    for (const file of files) {
      const path = join(dir, file);
      const data = readFileSync(path);
      const segment: Segment = {
        baseOffset: Number(file.slice(0, -SEGMENT_SUFFIX.length)),
        batches: [],
        bytes: 0,
        path,
      };
      let position = 0;
      while (position < data.length) {
        const good = validBatchAt(data, position);
        if (good === 0) break;
        const buf = data.subarray(position, position + good);
        const baseOffset = Number(buf.readBigInt64BE(0));
        const lastOffset = baseOffset + buf.readInt32BE(23);
        segment.batches.push({
          baseOffset,
          lastOffset,
          maxTimestamp: Number(buf.readBigInt64BE(35)),
          buf,
        });
        segment.bytes += good;
        this.nextOffset = lastOffset + 1;
        position += good;
      }
      segment.fd = openSync(path, 'r+');
      if (position < data.length) ftruncateSync(segment.fd, position);
      closeSync(segment.fd);
      segment.fd = openSync(path, 'a');
      if (segment.batches.length === 0 && this.segments.length > 0) {
        this.deleteSegment(segment);
        continue;
      }
      if (segment.batches.length === 0) segment.baseOffset = this.nextOffset;
      this.segments.push(segment);
    }
  }
}

/** Size of the intact batch at `position`, or 0 when the rest of the file is torn or corrupt. */
function validBatchAt(data: Buffer, position: number): number {
  if (data.length - position < LOG_OVERHEAD + 49) return 0;
  const size = data.readInt32BE(position + 8) + LOG_OVERHEAD;
  if (size < 61 || position + size > data.length || data.readInt8(position + 16) !== 2) return 0;
  return crcMatches(data.subarray(position, position + size)) ? size : 0;
}

function firstBatchEndingAtOrAfter(batches: StoredBatch[], offset: number): number {
  let lo = 0;
  let hi = batches.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (batches[mid]!.lastOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
