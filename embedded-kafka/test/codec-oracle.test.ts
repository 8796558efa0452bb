// Codec tests with kafkajs as the oracle: for every advertised (API, version), kafkajs's own
// request encoder produces the bytes our handler decodes, and kafkajs's own response decoder and
// parser read what our handler encodes. No sockets: handlers run directly on the bytes.
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { BrokerState } from '../src/broker-state.js';
import { createRegistry } from '../src/broker.js';
import { LogStore } from '../src/log/log-store.js';
import { crc32c } from '../src/log/record-batch.js';
import { Reader } from '../src/protocol/reader.js';

const require = createRequire(import.meta.url);
const registry = createRegistry();
const state = new BrokerState(new LogStore(), {
  nodeId: 0,
  host: '127.0.0.1',
  port: 9092,
  clusterId: 'oracle',
  defaultPartitions: 1,
  autoCreateTopics: true,
});
state.createTopic('oracle', 2);

afterAll(() => state.close());

interface KafkajsRequest {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<{ buffer: Buffer }>;
}

/** Encodes with kafkajs, handles with the broker, decodes and parses with kafkajs. */
async function exchange(
  dir: string,
  version: number,
  args: object,
): Promise<Record<string, unknown>> {
  const request = require(`kafkajs/src/protocol/requests/${dir}/v${version}/request`)(
    args,
  ) as KafkajsRequest;
  const { decode, parse } = require(`kafkajs/src/protocol/requests/${dir}/v${version}/response`);
  const handler = registry.get(request.apiKey)!;
  expect(version).toBeGreaterThanOrEqual(handler.minVersion);
  expect(version).toBeLessThanOrEqual(handler.maxVersion);
  const body = (await request.encode()).buffer;
  const header = {
    apiKey: request.apiKey,
    apiVersion: version,
    correlationId: 1,
    clientId: 'oracle',
  };
  const writer = await handler.handle(
    { header, version, state, clientHost: '127.0.0.1', note: () => undefined },
    new Reader(body),
  );
  const decoded = await decode(Buffer.concat(writer!.parts()));
  return parse(decoded);
}

const versions = (min: number, max: number) =>
  Array.from({ length: max - min + 1 }, (_, i) => min + i);

describe('kafkajs request/response codecs against the broker', () => {
  it('advertises exactly the intended table', () => {
    expect(registry.versions().map((v) => [v.apiKey, v.minVersion, v.maxVersion])).toEqual([
      [0, 3, 3],
      [1, 4, 4],
      [2, 1, 1],
      [3, 0, 4],
      [8, 2, 2],
      [9, 1, 1],
      [10, 0, 1],
      [11, 0, 2],
      [12, 0, 1],
      [13, 0, 1],
      [14, 0, 1],
      [15, 0, 0],
      [16, 0, 0],
      [18, 0, 2],
      [19, 0, 1],
      [20, 0, 1],
      [22, 0, 0],
    ]);
  });

  it.each(versions(0, 2))('ApiVersions v%i', async (v) => {
    const res = await exchange('apiVersions', v, {});
    expect(res.errorCode).toBe(0);
    expect(res.apiVersions).toContainEqual({ apiKey: 3, minVersion: 0, maxVersion: 4 });
  });

  it.each(versions(0, 4))('Metadata v%i', async (v) => {
    const res = (await exchange('metadata', v, {
      topics: ['oracle', `created.on.demand.v${v}`],
      allowAutoTopicCreation: true,
    })) as {
      brokers: { nodeId: number; port: number }[];
      topicMetadata: {
        topic: string;
        topicErrorCode: number;
        partitionMetadata: { leader: number }[];
      }[];
      controllerId?: number;
    };
    expect(res.brokers[0]).toMatchObject({ nodeId: 0, port: 9092 });
    if (v >= 1) expect(res.controllerId).toBe(0);
    const oracle = res.topicMetadata.find((t) => t.topic === 'oracle')!;
    expect(oracle.partitionMetadata.map((p) => p.leader)).toEqual([0, 0]);
    // Asking for a topic that does not exist creates it (v0–v3 always, v4 when allowed).
    const created = res.topicMetadata.find((t) => t.topic === `created.on.demand.v${v}`)!;
    expect(created.topicErrorCode).toBe(0);
  });

  it('Metadata v4 with allow_auto_topic_creation=false reports UNKNOWN_TOPIC_OR_PARTITION', async () => {
    await expect(
      exchange('metadata', 4, { topics: ['never.created'], allowAutoTopicCreation: false }),
    ).rejects.toThrow(/does not host this topic-partition/);
    expect(state.store.hasTopic('never.created')).toBe(false);
  });

  it('Produce v3, then Fetch v4 returns the batch with offsets patched and its CRC intact', async () => {
    const produced = (await exchange('produce', 3, {
      acks: -1,
      timeout: 1000,
      topicData: [
        {
          topic: 'oracle',
          partitions: [
            {
              partition: 1,
              messages: [
                { key: 'k', value: 'v', headers: { traceparent: 'tp' } },
                { key: null, value: 'w' },
              ],
            },
          ],
        },
      ],
    })) as { topics: { partitions: { errorCode: number; baseOffset: string }[] }[] };
    expect(produced.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, baseOffset: '0' });

    const fetched = (await exchange('fetch', 4, {
      replicaId: -1,
      maxWaitTime: 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 1,
      topics: [
        { topic: 'oracle', partitions: [{ partition: 1, fetchOffset: '1', maxBytes: 1 << 20 }] },
      ],
    })) as {
      responses: {
        partitions: {
          errorCode: number;
          highWatermark: string;
          messages: { offset: string; value: Buffer; headers: Record<string, Buffer> }[];
        }[];
      }[];
    };
    const partition = fetched.responses[0]!.partitions[0]!;
    expect(partition.errorCode).toBe(0);
    expect(partition.highWatermark).toBe('2');
    expect(partition.messages.map((m) => [m.offset, m.value.toString()])).toEqual([
      ['0', 'v'],
      ['1', 'w'],
    ]);
    expect(partition.messages[0]!.headers.traceparent!.toString()).toBe('tp');
    const stored = state.store.partition('oracle', 1)!.read(0, 1 << 20)[0]!;
    expect(stored.readUInt32BE(17)).toBe(crc32c(stored, 21));
  });

  it('Fetch v4 answers OFFSET_OUT_OF_RANGE beyond the high watermark, with empty records', async () => {
    await expect(
      exchange('fetch', 4, {
        replicaId: -1,
        maxWaitTime: 0,
        minBytes: 1,
        maxBytes: 1000,
        isolationLevel: 1,
        topics: [
          { topic: 'oracle', partitions: [{ partition: 0, fetchOffset: '99', maxBytes: 1000 }] },
        ],
      }),
    ).rejects.toThrow(/offset is not within the range/i);
  });

  it('ListOffsets v1', async () => {
    const res = (await exchange('listOffsets', 1, {
      replicaId: -1,
      topics: [
        {
          topic: 'oracle',
          partitions: [
            { partition: 1, timestamp: -1 },
            { partition: 0, timestamp: -2 },
          ],
        },
      ],
    })) as { responses: { partitions: { partition: number; offset: string }[] }[] };
    expect(res.responses[0]!.partitions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ partition: 1, offset: '2' }),
        expect.objectContaining({ partition: 0, offset: '0' }),
      ]),
    );
  });

  it('FindCoordinator v0 and v1', async () => {
    expect(await exchange('findCoordinator', 0, { groupId: 'g' })).toMatchObject({
      errorCode: 0,
      coordinator: { nodeId: 0, port: 9092 },
    });
    expect(
      await exchange('findCoordinator', 1, { coordinatorKey: 'g', coordinatorType: 0 }),
    ).toMatchObject({
      errorCode: 0,
      coordinator: { nodeId: 0, host: '127.0.0.1', port: 9092 },
    });
  });

  it.each(versions(0, 2))(
    'JoinGroup v%i, SyncGroup, Heartbeat, OffsetCommit v2, OffsetFetch v1, LeaveGroup',
    async (v) => {
      const groupId = `oracle-group-${v}`;
      const join = (await exchange('joinGroup', v, {
        groupId,
        sessionTimeout: 10_000,
        rebalanceTimeout: 10_000,
        memberId: '',
        protocolType: 'consumer',
        groupProtocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from('meta') }],
      })) as {
        generationId: number;
        memberId: string;
        leaderId: string;
        members: { memberId: string }[];
      };
      expect(join.leaderId).toBe(join.memberId);
      expect(join.members).toHaveLength(1);
      const syncVersion = Math.min(v, 1);
      const sync = await exchange('syncGroup', syncVersion, {
        groupId,
        generationId: join.generationId,
        memberId: join.memberId,
        groupAssignment: [{ memberId: join.memberId, memberAssignment: Buffer.from('assigned') }],
      });
      expect((sync as { memberAssignment: Buffer }).memberAssignment.toString()).toBe('assigned');
      await exchange('heartbeat', syncVersion, {
        groupId,
        groupGenerationId: join.generationId,
        memberId: join.memberId,
      });
      await exchange('offsetCommit', 2, {
        groupId,
        groupGenerationId: join.generationId,
        memberId: join.memberId,
        retentionTime: -1,
        topics: [{ topic: 'oracle', partitions: [{ partition: 0, offset: '42' }] }],
      });
      const fetched = (await exchange('offsetFetch', 1, {
        groupId,
        topics: [{ topic: 'oracle', partitions: [{ partition: 0 }, { partition: 1 }] }],
      })) as {
        responses: { partitions: { partition: number; offset: string }[] }[];
      };
      expect(fetched.responses[0]!.partitions.map((p) => p.offset)).toEqual(['42', '-1']);
      const described = (await exchange('describeGroups', 0, { groupIds: [groupId] })) as {
        groups: { state: string; members: unknown[] }[];
      };
      expect(described.groups[0]).toMatchObject({ state: 'Stable' });
      expect(described.groups[0]!.members).toHaveLength(1);
      const listed = (await exchange('listGroups', 0, {})) as { groups: { groupId: string }[] };
      expect(listed.groups.map((g) => g.groupId)).toContain(groupId);
      await exchange('leaveGroup', syncVersion, { groupId, memberId: join.memberId });
      expect(state.groups.get(groupId)!.state).toBe('Empty');
    },
  );

  it('Heartbeat from an unknown member is UNKNOWN_MEMBER_ID', async () => {
    await expect(
      exchange('heartbeat', 1, {
        groupId: 'oracle-group-0',
        groupGenerationId: 999,
        memberId: 'nobody',
      }),
    ).rejects.toThrow(/not aware of this member/i);
  });

  it.each(versions(0, 1))('CreateTopics and DeleteTopics v%i', async (v) => {
    const topic = `oracle.created.${v}`;
    const created = (await exchange('createTopics', v, {
      topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
      timeout: 1000,
    })) as {
      topicErrors: { topic: string; errorCode: number }[];
    };
    expect(created.topicErrors).toEqual([expect.objectContaining({ topic, errorCode: 0 })]);
    await expect(
      exchange('createTopics', v, {
        topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
        timeout: 1000,
      }),
    ).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'TOPIC_ALREADY_EXISTS' })],
    });
    const deleted = (await exchange('deleteTopics', v, { topics: [topic], timeout: 1000 })) as {
      topicErrors: { errorCode: number }[];
    };
    expect(deleted.topicErrors[0]!.errorCode).toBe(0);
  });

  it('InitProducerId v0', async () => {
    const res = (await exchange('initProducerId', 0, {
      transactionalId: null,
      transactionTimeout: 1000,
    })) as { producerId: string };
    expect(Number(res.producerId)).toBeGreaterThan(0);
  });
});
