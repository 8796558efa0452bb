// Every advertised (api, version) over a real socket, with kafkajs's own request encoders and
// response decoders as the oracle; complements the handler-level codec-oracle test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroker, type Broker } from '../src/index.js';
import { RawClient } from './raw-client.js';

const ADVERTISED = [
  { apiKey: 0, minVersion: 3, maxVersion: 3 },
  { apiKey: 1, minVersion: 4, maxVersion: 4 },
  { apiKey: 2, minVersion: 1, maxVersion: 1 },
  { apiKey: 3, minVersion: 0, maxVersion: 4 },
  { apiKey: 8, minVersion: 2, maxVersion: 2 },
  { apiKey: 9, minVersion: 1, maxVersion: 1 },
  { apiKey: 10, minVersion: 0, maxVersion: 1 },
  { apiKey: 11, minVersion: 0, maxVersion: 2 },
  { apiKey: 12, minVersion: 0, maxVersion: 1 },
  { apiKey: 13, minVersion: 0, maxVersion: 1 },
  { apiKey: 14, minVersion: 0, maxVersion: 1 },
  { apiKey: 15, minVersion: 0, maxVersion: 0 },
  { apiKey: 16, minVersion: 0, maxVersion: 0 },
  { apiKey: 18, minVersion: 0, maxVersion: 2 },
  { apiKey: 19, minVersion: 0, maxVersion: 1 },
  { apiKey: 20, minVersion: 0, maxVersion: 1 },
  { apiKey: 22, minVersion: 0, maxVersion: 0 },
];

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let broker: Broker;
let client: RawClient;

beforeAll(async () => {
  broker = await createBroker({ port: 0, nodeId: 7, defaultPartitions: 2 });
  client = await RawClient.open(broker.bootstrap);
});
afterAll(async () => {
  client?.close();
  await broker?.stop();
});

describe('ApiVersions', () => {
  it.each([0, 1, 2])('v%i returns exactly the advertised table', async (version) => {
    const res = await client.call<Any>('apiVersions', version);
    expect(res.errorCode).toBe(0);
    expect(res.apiVersions).toEqual(ADVERTISED);
  });

  it('answers v3 with UNSUPPORTED_VERSION and the table in v0 form', async () => {
    const head = Buffer.alloc(14);
    head.writeInt32BE(10, 0);
    head.writeInt16BE(18, 4);
    head.writeInt16BE(3, 6);
    head.writeInt32BE(99, 8);
    head.writeInt16BE(-1, 12);
    client.socket.write(head);
    const frame = await client.next();
    expect(frame.readInt32BE(0)).toBe(99);
    expect(frame.readInt16BE(4)).toBe(35);
    expect(frame.readInt32BE(6)).toBe(ADVERTISED.length);
  });
});

describe('Metadata', () => {
  it.each([0, 1, 2, 3, 4])('v%i describes the node and auto-creates a topic', async (version) => {
    const topic = `meta-v${version}`;
    const res = await client.call<Any>('metadata', version, { topics: [topic] });
    expect(res.brokers).toEqual([
      expect.objectContaining({ nodeId: 7, host: '127.0.0.1', port: broker.port }),
    ]);
    if (version >= 1) expect(res.controllerId).toBe(7);
    if (version >= 2) expect(typeof res.clusterId).toBe('string');
    const meta = res.topicMetadata.find((t: Any) => t.topic === topic);
    expect(meta.topicErrorCode).toBe(0);
    expect(meta.partitionMetadata.map((p: Any) => [p.partitionId, p.leader])).toEqual([
      [0, 7],
      [1, 7],
    ]);
  });

  it('v4 with auto-creation off reports an unknown topic', async () => {
    const res = await client.call<Any>(
      'metadata',
      4,
      { topics: ['meta-none'], allowAutoTopicCreation: false },
      { parse: false },
    );
    expect(res.topicMetadata[0].topicErrorCode).toBe(3);
  });
});

describe('CreateTopics and DeleteTopics', () => {
  it.each([0, 1])('CreateTopics v%i creates, then refuses a repeat with 36', async (version) => {
    const topics = [{ topic: `created-v${version}`, numPartitions: 3, replicationFactor: 1 }];
    const first = await client.call<Any>('createTopics', version, { topics, timeout: 1000 });
    expect(first.topicErrors).toEqual([
      expect.objectContaining({ topic: `created-v${version}`, errorCode: 0 }),
    ]);
    const again = await client.call<Any>(
      'createTopics',
      version,
      { topics, timeout: 1000 },
      { parse: false },
    );
    expect(again.topicErrors[0].errorCode).toBe(36);
  });

  it.each([0, 1])('DeleteTopics v%i deletes, then reports unknown', async (version) => {
    const topic = `created-v${version}`;
    const res = await client.call<Any>('deleteTopics', version, { topics: [topic], timeout: 1 });
    expect(res.topicErrors).toEqual([{ topic, errorCode: 0 }]);
    const again = await client.call<Any>(
      'deleteTopics',
      version,
      { topics: [topic], timeout: 1 },
      { parse: false },
    );
    expect(again.topicErrors[0].errorCode).toBe(3);
  });
});

describe('Produce v3, Fetch v4 and ListOffsets v1', () => {
  const topic = 'records';
  const t0 = Date.now() - 60_000;

  beforeAll(async () => {
    await client.call('createTopics', 1, {
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      timeout: 1000,
    });
  });

  it('appends batches (plain and gzip) at contiguous offsets', async () => {
    const send = (messages: Any[], compression: number) =>
      client.call<Any>('produce', 3, {
        acks: -1,
        timeout: 1000,
        compression,
        topicData: [{ topic, partitions: [{ partition: 0, messages }] }],
      });
    const first = await send(
      [
        { key: 'k1', value: 'v1', timestamp: t0, headers: { traceparent: '00-abc-01', n: '' } },
        { key: null, value: 'v2', timestamp: t0 + 1 },
      ],
      0,
    );
    expect(first.topics[0].partitions[0]).toEqual(
      expect.objectContaining({ partition: 0, errorCode: 0, baseOffset: '0' }),
    );
    const second = await send([{ key: 'k3', value: 'v3', timestamp: t0 + 10_000 }], 1);
    expect(second.topics[0].partitions[0].baseOffset).toBe('2');
  });

  it('returns whole batches with offsets, keys and headers kafkajs can read', async () => {
    const res = await client.call<Any>('fetch', 4, {
      maxWaitTime: 10,
      minBytes: 1,
      maxBytes: 1 << 20,
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset: '0', maxBytes: 1 << 20 }] }],
    });
    const p = res.responses[0].partitions[0];
    expect(p.errorCode).toBe(0);
    expect(p.highWatermark).toBe('3');
    expect(p.lastStableOffset).toBe('3');
    expect(p.abortedTransactions).toEqual([]);
    expect(p.messages.map((m: Any) => [m.offset, m.key?.toString() ?? null, `${m.value}`])).toEqual(
      [
        ['0', 'k1', 'v1'],
        ['1', null, 'v2'],
        ['2', 'k3', 'v3'],
      ],
    );
    expect(p.messages[0].headers.traceparent.toString()).toBe('00-abc-01');
    expect(p.messages[0].headers.n.toString()).toBe('');
  });

  it('answers a fetch at the high watermark with an empty (non-null) record set', async () => {
    const res = await client.call<Any>('fetch', 4, {
      maxWaitTime: 10,
      minBytes: 1,
      maxBytes: 1 << 20,
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset: '3', maxBytes: 1 << 20 }] }],
    });
    expect(res.responses[0].partitions[0]).toEqual(
      expect.objectContaining({ errorCode: 0, highWatermark: '3', messages: [] }),
    );
  });

  it('answers OFFSET_OUT_OF_RANGE beyond the log end', async () => {
    const res = await client.call<Any>(
      'fetch',
      4,
      {
        maxWaitTime: 10,
        minBytes: 1,
        maxBytes: 1 << 20,
        topics: [{ topic, partitions: [{ partition: 0, fetchOffset: '50', maxBytes: 1 << 20 }] }],
      },
      { parse: false },
    );
    expect(res.responses[0].partitions[0].errorCode).toBe(1);
  });

  it('lists earliest, latest and by-timestamp offsets', async () => {
    const list = (timestamp: number) =>
      client.call<Any>('listOffsets', 1, {
        replicaId: -1,
        topics: [{ topic, partitions: [{ partition: 0, timestamp }] }],
      });
    const offsetOf = async (ts: number) => (await list(ts)).responses[0].partitions[0].offset;
    expect(await offsetOf(-2)).toBe('0');
    expect(await offsetOf(-1)).toBe('3');
    expect(await offsetOf(t0 + 5000)).toBe('2');
    expect(await offsetOf(Date.now() + 60_000)).toBe('-1');
  });
});

describe('group coordination', () => {
  const protocols = [{ name: 'RoundRobinAssigner', metadata: Buffer.from('m') }];

  it.each([0, 1])('FindCoordinator v%i names this node', async (version) => {
    const res = await client.call<Any>('findCoordinator', version, {
      groupId: 'g',
      coordinatorType: 0,
    });
    expect(res.coordinator).toEqual({ nodeId: 7, host: '127.0.0.1', port: broker.port });
  });

  it('FindCoordinator v1 refuses transaction coordinators', async () => {
    const res = await client.call<Any>(
      'findCoordinator',
      1,
      { groupId: 'tx', coordinatorType: 1 },
      { parse: false },
    );
    expect(res.errorCode).toBe(15);
  });

  it.each([
    [0, 0, 0],
    [1, 0, 0],
    [2, 1, 1],
  ])('JoinGroup v%i, SyncGroup v%i, Heartbeat/LeaveGroup v%i', async (joinV, syncV, otherV) => {
    const groupId = `codec-group-${joinV}`;
    const join = await client.call<Any>('joinGroup', joinV, {
      groupId,
      sessionTimeout: 10_000,
      rebalanceTimeout: 5000,
      memberId: '',
      protocolType: 'consumer',
      groupProtocols: protocols,
    });
    expect(join).toEqual(
      expect.objectContaining({ generationId: 1, groupProtocol: 'RoundRobinAssigner' }),
    );
    expect(join.leaderId).toBe(join.memberId);
    expect(join.members).toEqual([{ memberId: join.memberId, memberMetadata: Buffer.from('m') }]);
    const member = { groupId, memberId: join.memberId, generationId: 1, groupGenerationId: 1 };
    const sync = await client.call<Any>('syncGroup', syncV, {
      ...member,
      groupAssignment: [{ memberId: join.memberId, memberAssignment: Buffer.from('assigned') }],
    });
    expect(sync.memberAssignment).toEqual(Buffer.from('assigned'));
    expect((await client.call<Any>('heartbeat', otherV, member)).errorCode).toBe(0);
    const stale = await client.call<Any>(
      'heartbeat',
      otherV,
      { ...member, groupGenerationId: 9 },
      { parse: false },
    );
    expect(stale.errorCode).toBe(22);

    const described = await client.call<Any>('describeGroups', 0, { groupIds: [groupId] });
    expect(described.groups[0]).toEqual(
      expect.objectContaining({ groupId, state: 'Stable', protocol: 'RoundRobinAssigner' }),
    );
    expect(described.groups[0].members[0].memberAssignment).toEqual(Buffer.from('assigned'));
    const listed = await client.call<Any>('listGroups', 0);
    expect(listed.groups).toContainEqual({ groupId, protocolType: 'consumer' });

    expect((await client.call<Any>('leaveGroup', otherV, member)).errorCode).toBe(0);
    const after = await client.call<Any>('describeGroups', 0, { groupIds: [groupId] });
    expect(after.groups[0].state).toBe('Empty');
  });

  it('OffsetCommit v2 and OffsetFetch v1 round-trip, unknown partitions read -1', async () => {
    const committed = await client.call<Any>('offsetCommit', 2, {
      groupId: 'simple',
      groupGenerationId: -1,
      memberId: '',
      retentionTime: -1,
      topics: [{ topic: 'records', partitions: [{ partition: 0, offset: '2', metadata: 'md' }] }],
    });
    expect(committed.responses[0].partitions[0]).toEqual({ partition: 0, errorCode: 0 });
    const fetched = await client.call<Any>('offsetFetch', 1, {
      groupId: 'simple',
      topics: [{ topic: 'records', partitions: [{ partition: 0 }, { partition: 5 }] }],
    });
    expect(fetched.responses[0].partitions).toEqual([
      { partition: 0, offset: '2', metadata: 'md', errorCode: 0 },
      { partition: 5, offset: '-1', metadata: '', errorCode: 0 },
    ]);
  });

  it('DescribeGroups v0 reports an unknown group as Dead', async () => {
    const res = await client.call<Any>('describeGroups', 0, { groupIds: ['nobody'] });
    expect(res.groups[0]).toEqual(
      expect.objectContaining({ groupId: 'nobody', errorCode: 0, state: 'Dead', members: [] }),
    );
  });
});

describe('InitProducerId', () => {
  it('v0 hands out distinct producer ids', async () => {
    const a = await client.call<Any>('initProducerId', 0, { transactionTimeout: 1000 });
    const b = await client.call<Any>('initProducerId', 0, { transactionTimeout: 1000 });
    expect(a.errorCode).toBe(0);
    expect(a.producerEpoch).toBe(0);
    expect(a.producerId).not.toBe(b.producerId);
  });
});
