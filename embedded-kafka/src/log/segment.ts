// One segment of a partition log: a file of back-to-back record batches named by its base offset,
// plus the index of where each batch is. Reads come from the file (the OS page cache keeps recent
// data hot); in memory-only mode the batches are kept as buffers instead.
import {
  closeSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { BatchIndex } from './batch-index.js';
import { LOG_OVERHEAD, batchHeaderAt, crcMatches } from './record-batch.js';

export const SEGMENT_SUFFIX = '.log';
const SCAN_CHUNK_BYTES = 4 * 1024 * 1024;

export interface NewBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  buf: Buffer;
}

export class Segment {
  readonly index = new BatchIndex();
  bytes = 0;
  private readonly memory: Buffer[] | undefined;

  private constructor(
    readonly baseOffset: number,
    private fd: number | undefined,
    readonly path: string | undefined,
  ) {
    this.memory = fd === undefined ? [] : undefined;
  }

  /** A new, empty segment: a file in `dir`, or memory only. */
  static create(baseOffset: number, dir: string | undefined): Segment {
    if (!dir) return new Segment(baseOffset, undefined, undefined);
    const path = join(dir, `${String(baseOffset).padStart(20, '0')}${SEGMENT_SUFFIX}`);
    return new Segment(baseOffset, openSync(path, 'a+'), path);
  }

  /**
   * Opens an existing segment file and indexes its batches, verifying every batch's header and
   * CRC-32C. The file is truncated at the first batch that is torn or corrupt; `intact` says
   * whether that happened.
   */
  static recover(path: string, baseOffset: number): { segment: Segment; intact: boolean } {
    const segment = new Segment(baseOffset, openSync(path, 'r+'), path);
    const fd = segment.fd!;
    const fileSize = fstatSync(fd).size;
    let window = Buffer.alloc(0);
    let windowStart = 0;
    const ensure = (position: number, length: number): boolean => {
      if (position + length > fileSize) return false;
      if (position >= windowStart && position + length <= windowStart + window.length) return true;
      window = Buffer.allocUnsafe(
        Math.min(Math.max(length, SCAN_CHUNK_BYTES), fileSize - position),
      );
      readSync(fd, window, 0, window.length, position);
      windowStart = position;
      return true;
    };
    let position = 0;
    while (position < fileSize) {
      if (!ensure(position, LOG_OVERHEAD)) break;
      const size = window.readInt32BE(position - windowStart + 8) + LOG_OVERHEAD;
      if (size <= LOG_OVERHEAD || !ensure(position, size)) break;
      const at = position - windowStart;
      const info = batchHeaderAt(window, at, at + size);
      if (typeof info === 'string' || !crcMatches(window.subarray(at, at + size))) break;
      const batchBase = Number(window.readBigInt64BE(at));
      segment.index.push({
        baseOffset: batchBase,
        lastOffset: batchBase + info.lastOffsetDelta,
        maxTimestamp: info.maxTimestamp,
        position,
        size,
      });
      segment.bytes += size;
      position += size;
    }
    if (position < fileSize) ftruncateSync(fd, position);
    closeSync(fd);
    segment.fd = openSync(path, 'a+');
    return { segment, intact: position === fileSize };
  }

  get empty(): boolean {
    return this.index.length === 0;
  }

  /** Offset after this segment's last batch (its base offset when empty). */
  get endOffset(): number {
    return this.empty ? this.baseOffset : this.index.lastOffsetAt(this.index.length - 1) + 1;
  }

  /** Writes the batches (synchronously: an acknowledged append survives a killed process). */
  append(batches: NewBatch[]): void {
    if (this.fd !== undefined) {
      const bytes =
        batches.length === 1 ? batches[0]!.buf : Buffer.concat(batches.map((b) => b.buf));
      writeSync(this.fd, bytes);
    }
    for (const batch of batches) {
      this.index.push({ ...batch, position: this.bytes, size: batch.buf.length });
      this.memory?.push(batch.buf);
      this.bytes += batch.buf.length;
    }
  }

  /**
   * Consecutive batches from index `from` within `maxBytes` — at least one when `atLeastOne` —
   * read in one piece. Returns the data and how many batches it holds.
   */
  read(
    from: number,
    maxBytes: number,
    atLeastOne: boolean,
  ): { data: Buffer[]; batches: number; bytes: number } {
    let to = from;
    let bytes = 0;
    while (to < this.index.length) {
      const size = this.index.sizeAt(to);
      if (bytes + size > maxBytes && !(atLeastOne && to === from)) break;
      bytes += size;
      to++;
    }
    if (to === from) return { data: [], batches: 0, bytes: 0 };
    if (this.memory) return { data: this.memory.slice(from, to), batches: to - from, bytes };
    const data = Buffer.allocUnsafe(bytes);
    readSync(this.fd!, data, 0, bytes, this.index.positionAt(from));
    return { data: [data], batches: to - from, bytes };
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  delete(): void {
    this.close();
    if (this.path) rmSync(this.path, { force: true });
  }
}
