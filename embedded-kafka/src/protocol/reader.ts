// Kafka's classic (non-flexible) primitive types: big-endian integers, int16-length strings,
// int32-length bytes and int32-count arrays. Every API version the broker advertises uses only these.

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/** A cursor over one request body. Reading past the end throws ProtocolError. */
export class Reader {
  private offset = 0;

  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number): number {
    if (this.offset + n > this.buf.length)
      throw new ProtocolError(`truncated request: need ${n} bytes at ${this.offset}`);
    const at = this.offset;
    this.offset += n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.need(1));
  }

  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }

  int64(): number {
    return Number(this.buf.readBigInt64BE(this.need(8)));
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  nullableString(): string | null {
    const length = this.int16();
    if (length < 0) return null;
    const at = this.need(length);
    return this.buf.toString('utf8', at, at + length);
  }

  string(): string {
    const value = this.nullableString();
    if (value === null) throw new ProtocolError('unexpected null string');
    return value;
  }

  nullableBytes(): Buffer | null {
    const length = this.int32();
    if (length < 0) return null;
    const at = this.need(length);
    return this.buf.subarray(at, at + length);
  }

  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }

  array<T>(item: (r: Reader) => T): T[] {
    const count = this.int32();
    if (count < 0) return [];
    if (count > this.remaining)
      throw new ProtocolError(`array count ${count} exceeds the request size`);
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(item(this));
    return out;
  }

  /** Arrays where null (-1) means something different from empty (Metadata v1+ topics). */
  nullableArray<T>(item: (r: Reader) => T): T[] | null {
    const count = this.buf.readInt32BE(this.offset);
    if (count < 0) {
      this.offset += 4;
      return null;
    }
    return this.array(item);
  }
}
