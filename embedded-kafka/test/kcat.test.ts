// kcat 1.7 (librdkafka 2.0) from Debian against the embedded broker.
import { spawn } from 'node:child_process';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Broker } from '../src/index.js';
import { collectingConsumer, startBroker, waitFor } from './helpers.js';

let broker: Broker;
let kafka: Kafka;

beforeAll(async () => {
  ({ broker, kafka } = await startBroker({ defaultPartitions: 1 }));
});

afterAll(async () => {
  await broker.stop();
});

/** Runs kcat to completion without blocking the event loop (the broker lives in this process). */
function kcat(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-b', broker.bootstrap, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`kcat ${args.join(' ')} failed (${code}): ${stderr}`));
    });
    child.stdin.end(input ?? '');
  });
}

describe('kcat', () => {
  it('lists brokers and topics with -L (after the ApiVersions v3 → v0 fallback)', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kcat.listed', numPartitions: 2 }] });
    await admin.disconnect();
    const out = await kcat(['-L']);
    expect(out).toContain(`broker 0 at ${broker.bootstrap} (controller)`);
    expect(out).toMatch(/topic "kcat\.listed" with 2 partitions/);
  });

  it('produces and consumes keys, values and headers', async () => {
    await kcat(
      ['-P', '-t', 'kcat.kv', '-k', 'order-1', '-H', 'traceparent=00-abc-01', '-H', 'h2=v2'],
      'first\nsecond\n',
    );
    const out = await kcat(['-C', '-t', 'kcat.kv', '-o', 'beginning', '-e', '-f', '%o|%k|%s|%h\n']);
    expect(out.trim().split('\n')).toEqual([
      '0|order-1|first|traceparent=00-abc-01,h2=v2',
      '1|order-1|second|traceparent=00-abc-01,h2=v2',
    ]);
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'])(
    'passes a %s-compressed batch through unchanged',
    async (codec) => {
      const topic = `kcat.${codec}`;
      const lines = Array.from({ length: 50 }, (_, i) => `${codec} line ${i} ${'x'.repeat(40)}`);
      await kcat(['-P', '-t', topic, '-z', codec], `${lines.join('\n')}\n`);
      const out = await kcat([
        '-C',
        '-t',
        topic,
        '-o',
        'beginning',
        '-e',
        '-f',
        '%s\n',
        '-X',
        'check.crcs=true',
      ]);
      expect(out.trim().split('\n')).toEqual(lines);
    },
  );

  it('gzip batches from kcat are readable by kafkajs too', async () => {
    await kcat(['-P', '-t', 'kcat.gzip.cross', '-z', 'gzip', '-k', 'k'], 'one\ntwo\nthree\n');
    const { consumer, messages } = await collectingConsumer(
      kafka,
      'kcat-gzip-cross',
      'kcat.gzip.cross',
    );
    await waitFor(() => messages.length === 3, { timeoutMs: 15_000 });
    await consumer.disconnect();
    expect(messages.map((m) => m.message.value!.toString())).toEqual(['one', 'two', 'three']);
  });

  it('finds the offset for a timestamp with -Q', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'kcat.time', messages: [{ value: 'a', timestamp: '1000' }] });
    await producer.send({ topic: 'kcat.time', messages: [{ value: 'b', timestamp: '5000' }] });
    await producer.disconnect();
    expect(await kcat(['-Q', '-t', 'kcat.time:0:4000'])).toMatch(/kcat\.time \[0\] offset 1/);
  });

  it('splits partitions between two -G consumers of one group', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kcat.group', numPartitions: 4 }] });
    const members = [0, 1].map(() => {
      const child = spawn('kcat', [
        '-b',
        broker.bootstrap,
        '-u',
        '-G',
        'kcat-group',
        '-f',
        '%p:%s\n',
        '-X',
        'session.timeout.ms=6000',
        '-X',
        'auto.offset.reset=earliest',
        'kcat.group',
      ]);
      const seen: string[] = [];
      child.stdout
        .setEncoding('utf8')
        .on('data', (d: string) => seen.push(...d.trim().split('\n').filter(Boolean)));
      return { child, seen };
    });
    try {
      await waitFor(
        async () => {
          const { groups } = await admin.describeGroups(['kcat-group']);
          return groups[0]!.state === 'Stable' && groups[0]!.members.length === 2;
        },
        { timeoutMs: 30_000, message: 'two kcat members in a stable group' },
      );
      const producer = kafka.producer();
      await producer.connect();
      for (let p = 0; p < 4; p++)
        await producer.send({
          topic: 'kcat.group',
          messages: [{ partition: p, value: `to-${p}` }],
        });
      await producer.disconnect();
      await waitFor(
        () =>
          members.every((m) => m.seen.length > 0) && members.flatMap((m) => m.seen).length === 4,
        {
          timeoutMs: 20_000,
          message: 'four messages spread over both members',
        },
      );
      const partitionsOf = (seen: string[]) => new Set(seen.map((s) => s.split(':')[0]));
      const [a, b] = members.map((m) => partitionsOf(m.seen));
      expect([...a!].filter((p) => b!.has(p))).toEqual([]);
      expect(new Set([...a!, ...b!]).size).toBe(4);
    } finally {
      for (const m of members) m.child.kill('SIGKILL');
      await admin.disconnect();
    }
  });
});
