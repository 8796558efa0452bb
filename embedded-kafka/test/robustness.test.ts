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

const DEADLINE_MS = 10_000;

/**
 * Sends bytes and waits — up to a deadline — for what the test expects of the broker: that it
 * closes the connection, or that `frames` whole response frames arrive. Rejects saying which it
 * waited for and what it got instead.
 */
function exchange(
  payload: Buffer | Buffer[],
  until: 'close' | { frames: number },
): Promise<{ closed: boolean; received: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(broker.port, broker.host);
    const chunks: Buffer[] = [];
    let done = false;
    const received = () => Buffer.concat(chunks);
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      socket.destroy();
      resolve({ closed, received: received() });
    };
    const deadline = setTimeout(() => {
      done = true;
      socket.destroy();
      const wanted =
        until === 'close'
          ? 'the broker to close the connection'
          : `${until.frames} response frame(s)`;
      reject(
        new Error(
          `waited ${DEADLINE_MS} ms for ${wanted}; got ${received().length} bytes and an open connection`,
        ),
      );
    }, DEADLINE_MS);
    socket.on('data', (d) => {
      chunks.push(d);
      if (until !== 'close' && completeFrames(received()) >= until.frames) finish(false);
    });
    socket.on('close', () => {
      if (until === 'close') finish(true);
      else if (!done) {
        done = true;
        clearTimeout(deadline);
        reject(
          new Error(
            `expected ${until.frames} response frame(s), the broker closed the connection after ${received().length} bytes`,
          ),
        );
      }
    });
    socket.on('error', () => undefined);
    socket.on('connect', async () => {
      for (const part of [payload].flat()) {
        socket.write(part);
        await new Promise((r) => setImmediate(r));
      }
    });
  });
}

/** Whole size-prefixed frames at the start of `buf`. */
function completeFrames(buf: Buffer): number {
  let n = 0;
  let at = 0;
  while (buf.length - at >= 4 && buf.length - at - 4 >= buf.readInt32BE(at)) {
    at += 4 + buf.readInt32BE(at);
    n++;
  }
  return n;
}

/** Writes bytes on a fresh connection and drops it once they are sent, whatever the broker makes of them. */
function sendAndDrop(payload: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(broker.port, broker.host, () => {
      socket.write(payload, () => {
        socket.destroy();
        resolve();
      });
    });
    socket.on('error', () => resolve());
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
      { frames: 1 },
    );
    expect(split.received.readInt32BE(4)).toBe(7);
    const pipelined = await exchange(
      Buffer.concat([frame(18, 1, 1), frame(3, 0, 2, Buffer.from([0, 0, 0, 0]))]),
      { frames: 2 },
    );
    const firstSize = pipelined.received.readInt32BE(0);
    expect(pipelined.received.readInt32BE(4)).toBe(1);
    expect(pipelined.received.readInt32BE(4 + firstSize + 4)).toBe(2);
  });

  it('closes the connection on an unknown API key or unsupported version', async () => {
    expect((await exchange(frame(99, 0, 1), 'close')).closed).toBe(true);
    expect((await exchange(frame(0, 9, 1), 'close')).closed).toBe(true);
    await stillServing();
  });

  it('closes the connection on a frame larger than the limit or with a negative size', async () => {
    const huge = Buffer.alloc(4);
    huge.writeInt32BE(64 * 1024 * 1024);
    expect((await exchange(huge, 'close')).closed).toBe(true);
    expect((await exchange(Buffer.from([0xff, 0xff, 0xff, 0xff]), 'close')).closed).toBe(true);
    await stillServing();
  });

  it('closes the connection on a truncated request body', async () => {
    // Metadata v1 announcing 1000 topics with no data behind it.
    const body = Buffer.alloc(4);
    body.writeInt32BE(1000);
    expect((await exchange(frame(3, 1, 5, body), 'close')).closed).toBe(true);
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
    const { received } = await exchange(frame(0, 3, 9, body), { frames: 1 });
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
        sendAndDrop(garbage),
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
