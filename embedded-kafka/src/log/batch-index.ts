// Where each stored batch of a segment is: its offsets, max timestamp, and byte range in the
// segment file. Kept in growable typed arrays (40 bytes a batch), so a partition's memory is its
// index, not its data.
export interface IndexedBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  position: number;
  size: number;
}

const INITIAL_CAPACITY = 64;

export class BatchIndex {
  length = 0;
  private base = new Float64Array(INITIAL_CAPACITY);
  private last = new Float64Array(INITIAL_CAPACITY);
  private maxTs = new Float64Array(INITIAL_CAPACITY);
  private pos = new Float64Array(INITIAL_CAPACITY);
  private sizes = new Float64Array(INITIAL_CAPACITY);

  push(batch: IndexedBatch): void {
    if (this.length === this.base.length) this.grow();
    const i = this.length++;
    this.base[i] = batch.baseOffset;
    this.last[i] = batch.lastOffset;
    this.maxTs[i] = batch.maxTimestamp;
    this.pos[i] = batch.position;
    this.sizes[i] = batch.size;
  }

  at(i: number): IndexedBatch {
    return {
      baseOffset: this.base[i]!,
      lastOffset: this.last[i]!,
      maxTimestamp: this.maxTs[i]!,
      position: this.pos[i]!,
      size: this.sizes[i]!,
    };
  }

  baseOffsetAt(i: number): number {
    return this.base[i]!;
  }

  lastOffsetAt(i: number): number {
    return this.last[i]!;
  }

  maxTimestampAt(i: number): number {
    return this.maxTs[i]!;
  }

  positionAt(i: number): number {
    return this.pos[i]!;
  }

  sizeAt(i: number): number {
    return this.sizes[i]!;
  }

  /** Index of the first batch whose last offset is at or after `offset` (length if none). */
  firstEndingAtOrAfter(offset: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.last[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private grow(): void {
    const capacity = this.base.length * 2;
    const widen = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    this.base = widen(this.base);
    this.last = widen(this.last);
    this.maxTs = widen(this.maxTs);
    this.pos = widen(this.pos);
    this.sizes = widen(this.sizes);
  }
}
