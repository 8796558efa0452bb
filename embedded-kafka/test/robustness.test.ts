// Malformed input: garbage, truncated and oversized frames, unknown APIs. Each closes only the
// offending connection; the broker keeps serving a well-behaved client throughout.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Broker } from '../src/index.js';
import { startBroker } from './helpers.js';

let broker: Broker;
let kafka: Kafka;

beforeAll(async () => {
  ({ broker, kafka } = await startBroker({ maxFrameBytes: 1024 * 1024 }));
});

afterAll(async () => {
  await broker.stop();
});

/** Sends bytes and resolves with whatever comes back before the broker closes the socket (or 2 s pass). */
function exchange(
  payload: Buffer | Buffer[],
  { waitForClose = true } = {},
): Promise<{ closed: boolean; received: Buffer }> {
  return new Promise((resolve) => {
    const socket: Socket = connect(broker.port, broker.host);
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ closed, received: Buffer.concat(chunks) });
    };
    socket.on('data', (d) => chunks.push(d));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('connect', async () => {
      for (const part of [payload].flat()) {
        socket.write(part);
        await new Promise((r) => setImmediate(r));
      }
    });
    setTimeout(() => finish(false), waitForClose ? 2000 : 500);
  });
}

function frame(
  apiKey: number,
  version: number,
  correlationId: number,
  body = Buffer.alloc(0),
): Buffer {
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(version, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(-1, 8); // null client id
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + body.length);
  return Buffer.concat([size, header, body]);
}

async function stillServing(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: `alive.${Date.now()}`, numPartitions: 1 }] });
  await admin.disconnect();
}

describe('malformed input', () => {
  it('answers ApiVersions split byte by byte, and two pipelined requests in order', async () => {
    const one = frame(18, 0, 7);
    const split = await exchange(
      [...one].map((b) => Buffer.from([b])),
      { waitForClose: false },
    );
    expect(split.received.readInt32BE(4)).toBe(7);
    const pipelined = await exchange(
      Buffer.concat([frame(18, 1, 1), frame(3, 0, 2, Buffer.from([0, 0, 0, 0]))]),
      { waitForClose: false },
    );
    const firstSize = pipelined.received.readInt32BE(0);
    expect(pipelined.received.readInt32BE(4)).toBe(1);
    expect(pipelined.received.readInt32BE(4 + firstSize + 4)).toBe(2);
  });

  it('closes the connection on an unknown API key or unsupported version', async () => {
    expect((await exchange(frame(99, 0, 1))).closed).toBe(true);
    expect((await exchange(frame(0, 9, 1))).closed).toBe(true);
    await stillServing();
  });

  it('closes the connection on a frame larger than the limit or with a negative size', async () => {
    const huge = Buffer.alloc(4);
    huge.writeInt32BE(64 * 1024 * 1024);
    expect((await exchange(huge)).closed).toBe(true);
    expect((await exchange(Buffer.from([0xff, 0xff, 0xff, 0xff]))).closed).toBe(true);
    await stillServing();
  });

  it('closes the connection on a truncated request body', async () => {
    // Metadata v1 announcing 1000 topics with no data behind it.
    const body = Buffer.alloc(4);
    body.writeInt32BE(1000);
    expect((await exchange(frame(3, 1, 5, body))).closed).toBe(true);
    await stillServing();
  });

  it('rejects a produce of a non-v2 or corrupt batch with CORRUPT_MESSAGE and keeps the log unchanged', async () => {
    const records = randomBytes(80);
    const topic = Buffer.from('corrupt.topic');
    const body = Buffer.concat([
      Buffer.from([0xff, 0xff]), // null transactional id
      Buffer.from([0xff, 0xff]), // acks -1
      Buffer.from([0, 0, 0x13, 0x88]), // timeout
      Buffer.from([0, 0, 0, 1]),
      Buffer.from([0, topic.length]),
      topic,
      Buffer.from([0, 0, 0, 1, 0, 0, 0, 0]),
      Buffer.from([0, 0, 0, records.length]),
      records,
    ]);
    const { received } = await exchange(frame(0, 3, 9, body), { waitForClose: false });
    // size, correlation id, [topic] count, name, [partition] count, index, then the error code
    const errorAt = 4 + 4 + 4 + 2 + topic.length + 4 + 4;
    expect(received.readInt16BE(errorAt)).toBe(2);
    const admin = kafka.admin();
    await admin.connect();
    expect((await admin.fetchTopicOffsets('corrupt.topic'))[0]!.high).toBe('0');
    await admin.disconnect();
  });

  it('survives a burst of random frames while another client keeps working', async () => {
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 50; i++) {
      const garbage = randomBytes(8 + Math.floor(Math.random() * 200));
      garbage.writeInt32BE(garbage.length - 4, 0);
      await Promise.all([
        exchange(garbage, { waitForClose: false }),
        producer.send({ topic: 'steady', messages: [{ value: String(i) }] }),
      ]);
    }
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    expect((await admin.fetchTopicOffsets('steady'))[0]!.high).toBe('50');
    await admin.disconnect();
  });
});
