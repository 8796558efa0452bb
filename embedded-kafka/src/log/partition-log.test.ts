import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PartitionLog } from './partition-log.js';
import { CorruptRecordError, crc32c } from './record-batch.js';

/** A minimal valid RecordBatch v2 with `count` records' worth of offsets and a correct CRC-32C. */
function batch(count: number, maxTimestamp: number, payloadBytes = 20): Buffer {
  const buf = Buffer.alloc(61 + payloadBytes);
  buf.writeInt32BE(buf.length - 12, 8);
  buf.writeInt8(2, 16);
  buf.writeInt32BE(count - 1, 23);
  buf.writeBigInt64BE(BigInt(maxTimestamp), 27);
  buf.writeBigInt64BE(BigInt(maxTimestamp), 35);
  buf.writeInt32BE(count, 57);
  buf.writeUInt32BE(crc32c(buf, 21), 17);
  return buf;
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'partition-log-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('PartitionLog', () => {
  it('assigns contiguous offsets across appends and multi-batch appends, patching only baseOffset', () => {
    const log = new PartitionLog({ segmentBytes: 1 << 20 });
    expect(log.append(batch(3, 1000))).toEqual({ baseOffset: 0, lastOffset: 2 });
    expect(log.append(Buffer.concat([batch(2, 2000), batch(1, 3000)]))).toEqual({
      baseOffset: 3,
      lastOffset: 5,
    });
    expect(log.highWatermark).toBe(6);
    const stored = log.read(4, 1 << 20);
    expect(stored.map((b) => Number(b.readBigInt64BE(0)))).toEqual([3, 5]);
    expect(stored.every((b) => b.readUInt32BE(17) === crc32c(b, 21))).toBe(true);
  });

  it('returns at least one batch even above maxBytes, and nothing at the high watermark', () => {
    const log = new PartitionLog({ segmentBytes: 1 << 20 });
    log.append(batch(1, 1, 500));
    log.append(batch(1, 2, 500));
    expect(log.read(0, 10)).toHaveLength(1);
    expect(log.read(2, 1000)).toEqual([]);
  });

  it('rejects a corrupt or non-v2 append and stores nothing', () => {
    const log = new PartitionLog({ segmentBytes: 1 << 20 });
    const bad = batch(1, 1);
    bad.writeInt8(1, 16);
    expect(() => log.append(Buffer.concat([batch(1, 1), bad]))).toThrow(CorruptRecordError);
    expect(() => log.append(batch(1, 1).subarray(0, 40))).toThrow(CorruptRecordError);
    expect(log.highWatermark).toBe(0);
  });

  it('finds offsets by timestamp', () => {
    const log = new PartitionLog({ segmentBytes: 1 << 20 });
    log.append(batch(2, 1000));
    log.append(batch(2, 2000));
    expect(log.offsetForTimestamp(1500)).toBe(2);
    expect(log.offsetForTimestamp(5000)).toBeUndefined();
  });

  it('reopens from disk with the same offsets, and truncates a torn tail', () => {
    const dir = tempDir();
    const log = new PartitionLog({ dir, segmentBytes: 1 << 20 });
    log.append(batch(2, 1000));
    log.append(batch(3, 2000));
    log.close();
    const [file] = readdirSync(dir);
    const intact = statSync(join(dir, file!)).size;
    appendFileSync(join(dir, file!), batch(4, 3000).subarray(0, 30)); // a crash mid-write
    const reopened = new PartitionLog({ dir, segmentBytes: 1 << 20 });
    expect(reopened.highWatermark).toBe(5);
    expect(statSync(join(dir, file!)).size).toBe(intact);
    expect(reopened.append(batch(1, 4000)).baseOffset).toBe(5);
    reopened.close();
    truncateSync(join(dir, file!), intact - 5); // corrupt the last whole batch
    const again = new PartitionLog({ dir, segmentBytes: 1 << 20 });
    expect(again.highWatermark).toBe(2);
    again.close();
  });

  it('deletes whole segments by size and by time, moving the log start offset', () => {
    const dir = tempDir();
    const log = new PartitionLog({ dir, segmentBytes: 200 });
    for (let i = 0; i < 6; i++) log.append(batch(1, 1000 + i, 100));
    expect(readdirSync(dir).length).toBeGreaterThan(2);
    log.applyRetention(2000, -1, 400);
    expect(log.logStartOffset).toBeGreaterThan(0);
    expect(log.sizeBytes).toBeLessThanOrEqual(400);
    log.applyRetention(10_000, 1000, -1);
    expect(log.logStartOffset).toBe(6);
    expect(log.read(6, 1000)).toEqual([]);
    expect(log.append(batch(1, 20_000)).baseOffset).toBe(6);
    log.close();
    const reopened = new PartitionLog({ dir, segmentBytes: 200 });
    expect([reopened.logStartOffset, reopened.highWatermark]).toEqual([6, 7]);
    reopened.close();
  });
});
