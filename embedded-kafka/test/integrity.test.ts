// The broker refuses what Kafka refuses and keeps what it acknowledged: produced batches are
// validated whole before they are stored, offsets never go backwards across retention and
// restarts, retained data lives in the segment files rather than in memory, and Metadata scales
// with the number of topics.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BrokerState } from '../src/broker-state.js';
import { createBroker, type Broker } from '../src/index.js';
import { LogStore } from '../src/log/log-store.js';
import { PartitionLog } from '../src/log/partition-log.js';
import { RawClient } from './raw-client.js';

const require = createRequire(import.meta.url);
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (args: {
    records: unknown[];
    lastOffsetDelta: number;
  }) => Promise<{ buffer: Buffer }>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (args: {
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer;
  headers?: Record<string, string>;
}) => unknown;

/** A kafkajs-encoded RecordBatch v2 of `count` records (valid CRC-32C). */
async function encodedBatch(count: number, tag: string): Promise<Buffer> {
  const records = Array.from({ length: count }, (_, i) =>
    Record({ offsetDelta: i, key: null, value: Buffer.from(`${tag}-${i}`) }),
  );
  return (await RecordBatch({ records, lastOffsetDelta: count - 1 })).buffer;
}

/** A raw Produce v3 (acks -1) of `records` to partition 0; answers the partition's error code. */
async function produceRaw(client: RawClient, topic: string, records: Buffer): Promise<number> {
  const name = Buffer.from(topic);
  const body = Buffer.concat([
    Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0x13, 0x88, 0, 0, 0, 1]),
    Buffer.from([0, name.length]),
    name,
    Buffer.from([0, 0, 0, 1, 0, 0, 0, 0]),
    Buffer.alloc(4, 0),
    records,
  ]);
  body.writeInt32BE(records.length, body.length - records.length - 4);
  const header = Buffer.alloc(10);
  header.writeInt16BE(0, 0);
  header.writeInt16BE(3, 2);
  header.writeInt32BE(77, 4);
  header.writeInt16BE(-1, 8);
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + body.length);
  client.socket.write(Buffer.concat([size, header, body]));
  const reply = await client.next();
  return reply.readInt16BE(4 + 4 + 2 + name.length + 4 + 4);
}

const dirs: string[] = [];
const brokers: Broker[] = [];
afterEach(async () => {
  for (const b of brokers.splice(0)) await b.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function brokerOn(dataDir: string): Promise<Broker> {
  const broker = await createBroker({ port: 0, dataDir });
  brokers.push(broker);
  return broker;
}

async function highWatermark(bootstrap: string, topic: string): Promise<number> {
  const client = await RawClient.open(bootstrap);
  try {
    const reply = await client.call<{ responses: { partitions: { offset: string }[] }[] }>(
      'listOffsets',
      1,
      { replicaId: -1, topics: [{ topic, partitions: [{ partition: 0, timestamp: -1 }] }] },
    );
    return Number(reply.responses[0]!.partitions[0]!.offset);
  } finally {
    client.close();
  }
}

describe('produced batches are validated before they are acknowledged', () => {
  it('answers CORRUPT_MESSAGE to a bad CRC, keeps every acknowledged batch across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'integrity-'));
    dirs.push(dataDir);
    let broker = await brokerOn(dataDir);
    const client = await RawClient.open(broker.bootstrap);
    const corrupt = await encodedBatch(1, 'bad');
    corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1); // the CRC no longer matches
    expect(await produceRaw(client, 'crc.topic', await encodedBatch(1, 'a'))).toBe(0);
    expect(await produceRaw(client, 'crc.topic', corrupt)).toBe(2);
    for (const tag of ['b', 'c', 'd', 'e']) {
      expect(await produceRaw(client, 'crc.topic', await encodedBatch(1, tag))).toBe(0);
    }
    client.close();
    expect(await highWatermark(broker.bootstrap, 'crc.topic')).toBe(5);
    await broker.stop();
    brokers.splice(brokers.indexOf(broker), 1);
    broker = await brokerOn(dataDir);
    expect(await highWatermark(broker.bootstrap, 'crc.topic')).toBe(5);
  });

  it('refuses a batch whose lastOffsetDelta does not match its record count, or with no records', async () => {
    const broker = await createBroker({ port: 0 });
    brokers.push(broker);
    const client = await RawClient.open(broker.bootstrap);
    const lying = await encodedBatch(3, 'x');
    lying.writeInt32BE(5, 23); // claims offsets 0..5 for 3 records
    expect(await produceRaw(client, 'delta.topic', lying)).toBe(2);
    const empty = await encodedBatch(1, 'y');
    empty.writeInt32BE(0, 57);
    expect(await produceRaw(client, 'delta.topic', empty)).toBe(2);
    client.close();
    expect(await highWatermark(broker.bootstrap, 'delta.topic')).toBe(0);
  });
});

describe('partition logs', () => {
  it('continue from the old high watermark after retention emptied them and the broker restarted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'retained-'));
    dirs.push(dir);
    const log = new PartitionLog({ dir, segmentBytes: 1 << 20 });
    for (const tag of ['a', 'b', 'c', 'd', 'e']) log.append(await encodedBatch(1, tag));
    log.applyRetention(Date.now() + 60_000, 1_000, -1);
    expect([log.logStartOffset, log.highWatermark]).toEqual([5, 5]);
    log.close();
    const reopened = new PartitionLog({ dir, segmentBytes: 1 << 20 });
    expect([reopened.logStartOffset, reopened.highWatermark]).toEqual([5, 5]);
    expect(reopened.append(await encodedBatch(1, 'f')).baseOffset).toBe(5);
    reopened.close();
  });

  it('read retained batches from their segment files: memory holds the index and a small cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bounded-'));
    dirs.push(dir);
    const log = new PartitionLog({ dir, segmentBytes: 4 << 20, tailCacheBytes: 64 * 1024 });
    const payload = Buffer.alloc(16 * 1024, 7);
    const Rec = (i: number) =>
      Record({ offsetDelta: 0, key: null, value: Buffer.concat([Buffer.from(`m${i}:`), payload]) });
    for (let i = 0; i < 1024; i++)
      log.append((await RecordBatch({ records: [Rec(i)], lastOffsetDelta: 0 })).buffer);
    expect(log.sizeBytes).toBeGreaterThan(16 << 20);
    expect(log.cachedBytes).toBeLessThanOrEqual(64 * 1024);
    // The oldest batch comes back from disk, intact and with its patched offset.
    const [first] = log.read(0, 1);
    expect(Number(first!.readBigInt64BE(0))).toBe(0);
    expect(first!.includes(Buffer.from('m0:'))).toBe(true);
    const [fromSecondSegment] = log.read(700, 1);
    expect(Number(fromSecondSegment!.readBigInt64BE(0))).toBe(700);
    expect(fromSecondSegment!.includes(Buffer.from('m700:'))).toBe(true);
    log.close();
  });
});

describe('Metadata', () => {
  it('answers for N topics without enumerating every topic once per topic', async () => {
    const store = new LogStore();
    for (let i = 0; i < 300; i++) store.createTopic(`t${i}`, 1);
    const state = new BrokerState(store, {
      nodeId: 0,
      host: '127.0.0.1',
      port: 9092,
      clusterId: 'x',
      defaultPartitions: 1,
      autoCreateTopics: false,
    });
    const enumerations = vi.spyOn(store, 'topics');
    const { metadataHandler } = await import('../src/handlers/03-metadata.js');
    const { Reader } = await import('../src/protocol/reader.js');
    const request = Buffer.alloc(5);
    request.writeInt32BE(-1, 0); // null: every topic
    const w = await metadataHandler.handle(
      {
        header: { apiKey: 3, apiVersion: 4, correlationId: 1, clientId: 'x' },
        version: 4,
        state,
        clientHost: '',
        note: () => undefined,
      },
      new Reader(request),
    );
    expect(w!.length).toBeGreaterThan(300 * 20);
    expect(enumerations.mock.calls.length).toBeLessThanOrEqual(1);
  });
});
