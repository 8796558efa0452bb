// kafkajs 2.2.4, unchanged, against the embedded broker: admin, producer and consumer groups.
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import { spawnService } from '@webstore/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Broker } from '../src/index.js';
import { collectingConsumer, startBroker, waitFor } from './helpers.js';

let broker: Broker;
let kafka: Kafka;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  ({ broker, kafka } = await startBroker({ defaultPartitions: 3 }));
});

afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  await broker.stop();
});

async function connected<T extends { connect(): Promise<void>; disconnect(): Promise<void> }>(
  client: T,
): Promise<T> {
  await client.connect();
  cleanup.push(() => client.disconnect());
  return client;
}

describe('admin', () => {
  it('creates a topic once; a repeat answers false', async () => {
    const admin = await connected(kafka.admin());
    expect(
      await admin.createTopics({ topics: [{ topic: 'admin.created', numPartitions: 3 }] }),
    ).toBe(true);
    expect(
      await admin.createTopics({ topics: [{ topic: 'admin.created', numPartitions: 3 }] }),
    ).toBe(false);
    expect(await admin.listTopics()).toContain('admin.created');
    const { topics } = await admin.fetchTopicMetadata({ topics: ['admin.created'] });
    expect(topics[0]!.partitions.map((p) => p.leader)).toEqual([0, 0, 0]);
    await admin.deleteTopics({ topics: ['admin.created'] });
    expect(await admin.listTopics()).not.toContain('admin.created');
  });

  it('describes unknown groups as Dead', async () => {
    const admin = await connected(kafka.admin());
    const { groups } = await admin.describeGroups(['nobody-here']);
    expect(groups[0]!.state).toBe('Dead');
  });
});

describe('produce and consume', () => {
  it.each([-1, 1, 0])('produces with acks=%i and assigns contiguous offsets', async (acks) => {
    const topic = `acks.${acks === -1 ? 'all' : acks}`;
    const admin = await connected(kafka.admin());
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const producer = await connected(kafka.producer());
    const sent = await producer.send({
      topic,
      acks,
      messages: Array.from({ length: 5 }, (_, i) => ({ value: `m${i}` })),
    });
    if (acks !== 0) expect(sent[0]!.baseOffset).toBe('0');
    await producer.send({ topic, acks: -1, messages: [{ value: 'last' }] });
    await waitFor(async () => (await admin.fetchTopicOffsets(topic))[0]!.high === '6', {
      timeoutMs: 5000,
    });
  });

  it('delivers keys, values and headers (traceparent included) to a consumer reading from the beginning', async () => {
    const topic = 'headers.roundtrip';
    const producer = await connected(kafka.producer());
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await producer.send({
      topic,
      messages: Array.from({ length: 30 }, (_, i) => ({
        key: `order-${i}`,
        value: `v${i}`,
        headers: { traceparent, n: String(i) },
      })),
    });
    const { consumer, messages } = await collectingConsumer(kafka, 'roundtrip', topic);
    cleanup.push(() => consumer.disconnect());
    await waitFor(() => messages.length === 30, { timeoutMs: 15_000 });
    const byKey = new Map(messages.map((m) => [m.message.key!.toString(), m.message]));
    expect(byKey.get('order-7')!.value!.toString()).toBe('v7');
    expect(byKey.get('order-7')!.headers!.traceparent!.toString()).toBe(traceparent);
    expect(byKey.get('order-7')!.headers!.n!.toString()).toBe('7');
  });

  it('auto-creates a topic on first produce', async () => {
    const producer = await connected(kafka.producer());
    const [result] = await producer.send({ topic: 'auto.created', messages: [{ value: 'x' }] });
    expect(result!.errorCode).toBe(0);
  });

  it('wakes a waiting fetch as soon as a message arrives, well before max wait', async () => {
    const topic = 'long.poll';
    const admin = await connected(kafka.admin());
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const { consumer, messages } = await collectingConsumer(kafka, 'long-poll', topic, {
      maxWaitTimeInMs: 10_000,
    });
    cleanup.push(() => consumer.disconnect());
    // Join first, so the consumer is parked in a fetch that would otherwise wait 10 s.
    await waitFor(
      async () => (await admin.describeGroups(['long-poll'])).groups[0]!.state === 'Stable',
      { timeoutMs: 10_000 },
    );
    const producer = await connected(kafka.producer());
    const sentAt = Date.now();
    await producer.send({ topic, messages: [{ value: 'wake up' }] });
    await waitFor(() => messages.length === 1, { timeoutMs: 9_000 });
    expect(Date.now() - sentAt).toBeLessThan(9_000);
  });
});

describe('consumer groups', () => {
  it('rebalances 1 → 2 → 3 members with disjoint assignments and loses nothing', async () => {
    const topic = 'rebalance.three';
    const admin = await connected(kafka.admin());
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });
    const producer = await connected(kafka.producer());
    const members: Awaited<ReturnType<typeof collectingConsumer>>[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const member = await collectingConsumer(kafka, 'three', topic);
      cleanup.push(() => member.consumer.disconnect());
      members.push(member);
      await waitFor(
        async () => {
          const { groups } = await admin.describeGroups(['three']);
          return (
            groups[0]!.state === 'Stable' &&
            groups[0]!.members.length === i + 1 &&
            members.every((m) => m.assigned().length > 0)
          );
        },
        { timeoutMs: 20_000, message: `${i + 1} members stable` },
      );
      await producer.send({
        topic,
        messages: Array.from({ length: 20 }, (_, n) => ({ key: `${i}-${n}`, value: `${i}-${n}` })),
      });
    }
    const assignments = members.map((m) => m.assigned());
    expect(assignments.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
    await waitFor(
      () => {
        for (const m of members) for (const p of m.messages) seen.add(p.message.value!.toString());
        return seen.size === 60;
      },
      { timeoutMs: 20_000, message: 'all 60 messages consumed' },
    );
  });

  it('rebalances when a member leaves, and expires a member that stops heartbeating', async () => {
    const topic = 'membership';
    const admin = await connected(kafka.admin());
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
    const a = await collectingConsumer(kafka, 'membership', topic);
    cleanup.push(() => a.consumer.disconnect());
    const b = await collectingConsumer(kafka, 'membership', topic);
    const stableWith = (n: number) => async () => {
      const { groups } = await admin.describeGroups(['membership']);
      return groups[0]!.state === 'Stable' && groups[0]!.members.length === n;
    };
    await waitFor(stableWith(2), { timeoutMs: 20_000 });
    await b.consumer.disconnect(); // LeaveGroup
    await waitFor(async () => (await stableWith(1)()) && a.assigned().length === 4, {
      timeoutMs: 20_000,
    });

    // A member that dies without leaving is removed once its session times out.
    const doomed = await spawnService({
      command: process.execPath,
      args: [
        fileURLToPath(new URL('./fixtures/member.mjs', import.meta.url)),
        broker.bootstrap,
        'membership',
        topic,
      ],
      readyLine: /joined/,
      timeoutMs: 20_000,
    });
    await waitFor(stableWith(2), { timeoutMs: 20_000 });
    doomed.kill();
    await waitFor(async () => (await stableWith(1)()) && a.assigned().length === 4, {
      timeoutMs: 20_000,
      message: 'session expiry',
    });
  });

  it('resumes from committed offsets after a restart, and fetchOffsets reports them', async () => {
    const topic = 'commit.resume';
    const producer = await connected(kafka.producer());
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({ value: `first-${i}` })),
    });
    const first = await collectingConsumer(kafka, 'resumer', topic);
    await waitFor(() => first.messages.length === 10, { timeoutMs: 15_000 });
    await first.consumer.disconnect();
    const admin = await connected(kafka.admin());
    const [offsets] = await admin.fetchOffsets({ groupId: 'resumer', topics: [topic] });
    expect(offsets!.partitions.map((p) => Number(p.offset)).reduce((a, b) => a + b, 0)).toBe(10);
    await producer.send({
      topic,
      messages: Array.from({ length: 5 }, (_, i) => ({ value: `second-${i}` })),
    });
    const second = await collectingConsumer(kafka, 'resumer', topic);
    cleanup.push(() => second.consumer.disconnect());
    await waitFor(() => second.messages.length === 5, { timeoutMs: 15_000 });
    expect(second.messages.every((m) => m.message.value!.toString().startsWith('second-'))).toBe(
      true,
    );
  });

  it('resets and sets offsets of an empty group, and refuses while it runs', async () => {
    const topic = 'reset.offsets';
    const producer = await connected(kafka.producer());
    await producer.send({
      topic,
      messages: Array.from({ length: 8 }, (_, i) => ({ value: `m${i}` })),
    });
    const admin = await connected(kafka.admin());
    await admin.setOffsets({
      groupId: 'resettable',
      topic,
      partitions: [{ partition: 0, offset: '5' }],
    });
    let [offsets] = await admin.fetchOffsets({ groupId: 'resettable', topics: [topic] });
    expect(offsets!.partitions[0]!.offset).toBe('5');
    await admin.resetOffsets({ groupId: 'resettable', topic, earliest: true });
    // kafkajs commits the "earliest" sentinel (-2); resolving it asks the broker for the log start.
    [offsets] = await admin.fetchOffsets({ groupId: 'resettable', topics: [topic] });
    expect(offsets!.partitions[0]!.offset).toBe('-2');
    [offsets] = await admin.fetchOffsets({
      groupId: 'resettable',
      topics: [topic],
      resolveOffsets: true,
    });
    expect(offsets!.partitions[0]!.offset).toBe('0');

    const running = await collectingConsumer(kafka, 'resettable', topic);
    cleanup.push(() => running.consumer.disconnect());
    await waitFor(() => running.messages.length === 8, { timeoutMs: 15_000 });
    await expect(
      admin.resetOffsets({ groupId: 'resettable', topic, earliest: false }),
    ).rejects.toThrow(/running/);
    const { groups } = await admin.describeGroups(['resettable']);
    expect(groups[0]).toMatchObject({ state: 'Stable', protocolType: 'consumer' });
    expect(groups[0]!.members).toHaveLength(1);
  });

  it('finds offsets by timestamp', async () => {
    const topic = 'by.timestamp';
    const admin = await connected(kafka.admin());
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const producer = await connected(kafka.producer());
    await producer.send({ topic, messages: [{ value: 'old', timestamp: '1000' }] });
    await producer.send({ topic, messages: [{ value: 'mid', timestamp: '2000' }] });
    await producer.send({ topic, messages: [{ value: 'new', timestamp: '3000' }] });
    expect((await admin.fetchTopicOffsetsByTimestamp(topic, 1500))[0]!.offset).toBe('1');
    expect((await admin.fetchTopicOffsetsByTimestamp(topic, 3000))[0]!.offset).toBe('2');
    expect((await admin.fetchTopicOffsetsByTimestamp(topic, 9999))[0]!.offset).toBe('3');
  });

  it('resets a consumer whose committed offset is out of range', async () => {
    const topic = 'out.of.range';
    const producer = await connected(kafka.producer());
    await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }] });
    const admin = await connected(kafka.admin());
    await admin.setOffsets({ groupId: 'oor', topic, partitions: [{ partition: 0, offset: '50' }] });
    const { consumer, messages } = await collectingConsumer(kafka, 'oor', topic);
    cleanup.push(() => consumer.disconnect());
    await waitFor(() => messages.length === 2, {
      timeoutMs: 15_000,
      message: 'reset to earliest and read both',
    });
  });

  it('gives an idempotent producer a producer id', async () => {
    const producer = await connected(kafka.producer({ idempotent: true, maxInFlightRequests: 1 }));
    const [result] = await producer.send({
      topic: 'idempotent',
      acks: -1,
      messages: [{ value: 'once' }],
    });
    expect(result!.errorCode).toBe(0);
  });
});
