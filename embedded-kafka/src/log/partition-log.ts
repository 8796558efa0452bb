// One partition's log: segments of producers' record batches, each batch stored as received with
// only baseOffset patched. With a directory, batches live in append-only segment files (written
// synchronously, so an acknowledged append survives a killed process) and only their index and a
// small cache of the newest batches stay in memory; without one, everything is kept in memory.
// Offsets never go backwards: segment files are named by their base offset, and retention always
// leaves the active segment, so the next offset survives a restart even when every batch expired.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptRecordError, scanBatches } from './record-batch.js';
import { SEGMENT_SUFFIX, Segment, type NewBatch } from './segment.js';

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
}

export interface PartitionLogOptions {
  /** Directory for segment files; omit to keep the log in memory only. */
  dir?: string;
  segmentBytes: number;
  /** Newest batches kept in memory for caught-up readers (default 256 KiB). */
  tailCacheBytes?: number;
  /** Told about recovery that had to drop data (a torn or corrupt tail). */
  log?: (message: string) => void;
}

export class PartitionLog {
  private readonly segments: Segment[] = [];
  private nextOffset = 0;
  private readonly tail: NewBatch[] = [];
  private tailBytes = 0;
  private readonly tailCacheBytes: number;

  constructor(private readonly options: PartitionLogOptions) {
    this.tailCacheBytes = options.tailCacheBytes ?? 256 * 1024;
    if (options.dir) {
      mkdirSync(options.dir, { recursive: true });
      this.recover(options.dir);
    }
    if (this.segments.length === 0) this.roll(this.nextOffset);
  }

  get logStartOffset(): number {
    const first = this.segments.find((s) => !s.empty);
    return first ? first.index.baseOffsetAt(0) : this.nextOffset;
  }

  /** The log end offset; with one replica it is also the high watermark. */
  get highWatermark(): number {
    return this.nextOffset;
  }

  /** Batch bytes held in memory (the cache of newest batches, or everything in memory mode). */
  get cachedBytes(): number {
    return this.options.dir ? this.tailBytes : this.sizeBytes;
  }

  get sizeBytes(): number {
    return this.segments.reduce((n, s) => n + s.bytes, 0);
  }

  /** Appends one or more batches atomically: all are validated before any is stored. */
  append(recordBatches: Buffer): AppendResult {
    const infos = scanBatches(recordBatches);
    if (infos.length === 0) throw new CorruptRecordError('empty record set');
    const baseOffset = this.nextOffset;
    const batches: NewBatch[] = [];
    let offset = baseOffset;
    for (const info of infos) {
      const buf = Buffer.from(recordBatches.subarray(info.position, info.position + info.size));
      buf.writeBigInt64BE(BigInt(offset), 0);
      batches.push({
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
    segment.append(batches);
    this.nextOffset = offset;
    if (this.options.dir) this.cache(batches);
    return { baseOffset, lastOffset: offset - 1 };
  }

  /**
   * Whole batches from the one containing `fromOffset`, up to `maxBytes` — but always at least one
   * batch when there is one, so a batch larger than the limit still makes progress (KIP-74).
   */
  read(fromOffset: number, maxBytes: number): Buffer[] {
    if (fromOffset >= this.nextOffset) return [];
    const cached = this.readTail(fromOffset, maxBytes);
    if (cached) return cached;
    const out: Buffer[] = [];
    let bytes = 0;
    for (const segment of this.segmentsFrom(fromOffset)) {
      const from = segment.index.firstEndingAtOrAfter(fromOffset);
      const chunk = segment.read(from, maxBytes - bytes, out.length === 0);
      out.push(...chunk.data);
      bytes += chunk.bytes;
      if (from + chunk.batches < segment.index.length) break;
    }
    return out;
  }

  /** The base offset of the first batch whose max timestamp is at or after `timestampMs`. */
  offsetForTimestamp(timestampMs: number): number | undefined {
    for (const segment of this.segments) {
      for (let i = 0; i < segment.index.length; i++)
        if (segment.index.maxTimestampAt(i) >= timestampMs) return segment.index.baseOffsetAt(i);
    }
    return undefined;
  }

  /** Deletes whole segments that are older than `retentionMs` or beyond `retentionBytes`. */
  applyRetention(nowMs: number, retentionMs: number, retentionBytes: number): void {
    const expired = (s: Segment) =>
      retentionMs >= 0 &&
      !s.empty &&
      s.index.maxTimestampAt(s.index.length - 1) < nowMs - retentionMs;
    // An active segment that has wholly expired is rolled so it can be deleted like the others;
    // the new, empty active segment keeps the next offset in its file name.
    if (expired(this.segments.at(-1)!)) this.roll(this.nextOffset);
    let total = this.sizeBytes;
    while (this.segments.length > 1) {
      const oldest = this.segments[0]!;
      const overSize = retentionBytes >= 0 && total > retentionBytes;
      if (!expired(oldest) && !overSize && !oldest.empty) break;
      oldest.delete();
      this.segments.shift();
      total -= oldest.bytes;
    }
    const start = this.logStartOffset;
    while (this.tail.length > 0 && this.tail[0]!.baseOffset < start) this.dropOldestCached();
  }

  close(): void {
    for (const s of this.segments) s.close();
  }

  private cache(batches: NewBatch[]): void {
    for (const batch of batches) {
      this.tail.push(batch);
      this.tailBytes += batch.buf.length;
    }
    while (this.tail.length > 1 && this.tailBytes > this.tailCacheBytes) this.dropOldestCached();
  }

  private dropOldestCached(): void {
    this.tailBytes -= this.tail.shift()!.buf.length;
  }

  /** Serves a read from the cache of newest batches when it starts inside it. */
  private readTail(fromOffset: number, maxBytes: number): Buffer[] | undefined {
    if (this.tail.length === 0 || fromOffset < this.tail[0]!.baseOffset) return undefined;
    let i = this.tail.findIndex((b) => b.lastOffset >= fromOffset);
    const out: Buffer[] = [];
    let bytes = 0;
    for (; i < this.tail.length; i++) {
      const { buf } = this.tail[i]!;
      if (out.length > 0 && bytes + buf.length > maxBytes) break;
      out.push(buf);
      bytes += buf.length;
    }
    return out;
  }

  private segmentsFrom(offset: number): Segment[] {
    let start = 0;
    for (let i = 0; i < this.segments.length; i++)
      if (this.segments[i]!.baseOffset <= offset) start = i;
    return this.segments.slice(start);
  }

  private roll(baseOffset: number): Segment {
    const segment = Segment.create(baseOffset, this.options.dir);
    this.segments.push(segment);
    return segment;
  }

  /**
   * Indexes the segment files. A torn or corrupt batch ends the log there: its segment is
   * truncated and any later segment deleted, so offsets stay contiguous.
   */
  private recover(dir: string): void {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(SEGMENT_SUFFIX))
      .sort();
    for (let f = 0; f < files.length; f++) {
      const path = join(dir, files[f]!);
      const { segment, intact } = Segment.recover(
        path,
        Number(files[f]!.slice(0, -SEGMENT_SUFFIX.length)),
      );
      this.nextOffset = Math.max(this.nextOffset, segment.endOffset);
      const last = f === files.length - 1;
      if (!intact) {
        this.options.log?.(
          `${path}: truncated at a torn or corrupt batch (log end offset ${segment.endOffset})`,
        );
        for (const later of files.slice(f + 1)) {
          this.options.log?.(`${join(dir, later)}: deleted, it followed a truncated segment`);
          rmSync(join(dir, later), { force: true });
        }
      }
      if (segment.empty && !last && intact) {
        segment.delete();
        continue;
      }
      this.segments.push(segment);
      if (!intact) break;
    }
  }
}
