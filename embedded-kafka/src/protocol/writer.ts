// Builds a response as a list of chunks so record batches read from the log are sent as they are,
// never copied into one big buffer.

export class Writer {
  private readonly chunks: Buffer[] = [];
  private scratch = Buffer.allocUnsafe(256);
  private used = 0;
  private size = 0;

  private room(n: number): void {
    if (this.used + n <= this.scratch.length) return;
    this.flushScratch();
    if (n > this.scratch.length) this.scratch = Buffer.allocUnsafe(Math.max(n, 256));
  }

  private flushScratch(): void {
    if (this.used === 0) return;
    this.chunks.push(this.scratch.subarray(0, this.used));
    this.scratch = this.scratch.subarray(this.used);
    if (this.scratch.length < 64) this.scratch = Buffer.allocUnsafe(256);
    this.used = 0;
  }

  int8(v: number): this {
    this.room(1);
    this.scratch.writeInt8(v, this.used);
    this.used += 1;
    this.size += 1;
    return this;
  }

  int16(v: number): this {
    this.room(2);
    this.scratch.writeInt16BE(v, this.used);
    this.used += 2;
    this.size += 2;
    return this;
  }

  int32(v: number): this {
    this.room(4);
    this.scratch.writeInt32BE(v, this.used);
    this.used += 4;
    this.size += 4;
    return this;
  }

  int64(v: number): this {
    this.room(8);
    this.scratch.writeBigInt64BE(BigInt(v), this.used);
    this.used += 8;
    this.size += 8;
    return this;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const bytes = Buffer.from(v, 'utf8');
    this.int16(bytes.length);
    return this.raw(bytes);
  }

  bytes(v: Buffer | null): this {
    if (v === null) return this.int32(-1);
    this.int32(v.length);
    return this.raw(v);
  }

  /** A bytes field whose content is several buffers (record batches), written without copying. */
  bytesFrom(parts: Buffer[]): this {
    this.int32(parts.reduce((n, p) => n + p.length, 0));
    for (const p of parts) this.raw(p);
    return this;
  }

  array<T>(items: readonly T[], write: (w: Writer, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) write(this, item);
    return this;
  }

  raw(buf: Buffer): this {
    if (buf.length <= 64) {
      this.room(buf.length);
      buf.copy(this.scratch, this.used);
      this.used += buf.length;
    } else {
      this.flushScratch();
      this.chunks.push(buf);
    }
    this.size += buf.length;
    return this;
  }

  get length(): number {
    return this.size;
  }

  /** The chunks written so far, in order. */
  parts(): Buffer[] {
    this.flushScratch();
    return this.chunks;
  }
}
