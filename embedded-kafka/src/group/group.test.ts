import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../protocol/error-codes.js';
import { Group, type JoinRequest, type JoinResult, type SyncResult } from './group.js';

const subscription = (topics: string) => [{ name: 'range', metadata: Buffer.from(topics) }];
const request = (memberId: string, clientId: string, topics = 'orders'): JoinRequest => ({
  memberId,
  clientId,
  clientHost: '127.0.0.1',
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 10_000,
  protocolType: 'consumer',
  protocols: subscription(topics),
});

describe('consumer group', () => {
  const groups: Group[] = [];
  const fresh = () => {
    const g = new Group('g');
    groups.push(g);
    return g;
  };
  afterEach(() => groups.splice(0).forEach((g) => g.close()));

  it('rebalances when the leader rejoins a stable group, so its new assignment takes effect', async () => {
    const group = fresh();
    const first = await group.join(request('', 'leader'));
    expect(first).toMatchObject({ errorCode: 0, generationId: 1 });
    const leader = first.memberId;
    // Assigned before the leader knew the topic's partitions: nothing.
    await group.sync(1, leader, new Map([[leader, Buffer.from('none')]]));
    expect(group.state).toBe('Stable');
    // Metadata arrives; the leader rejoins with the same subscription to assign again.
    const again = await group.join(request(leader, 'leader'));
    expect(again).toMatchObject({ errorCode: 0, generationId: 2, leader });
    const synced = (await group.sync(
      2,
      leader,
      new Map([[leader, Buffer.from('orders-0')]]),
    )) as SyncResult;
    expect(synced.assignment.toString()).toBe('orders-0');
  });

  it('answers a follower that rejoins with unchanged metadata with the current generation', async () => {
    const group = fresh();
    const leaderJoin = group.join(request('', 'a'));
    const leader = ((await leaderJoin) as JoinResult).memberId;
    await group.sync(1, leader, new Map());
    // A second member joins: the leader must rejoin for generation 2.
    const followerJoin = group.join(request('', 'b')) as Promise<JoinResult>;
    const leaderRejoin = group.join(request(leader, 'a')) as Promise<JoinResult>;
    const [follower, leader2] = await Promise.all([followerJoin, leaderRejoin]);
    expect([follower.generationId, leader2.generationId]).toEqual([2, 2]);
    const followerSync = group.sync(2, follower.memberId, new Map()) as Promise<SyncResult>;
    await group.sync(
      2,
      leader,
      new Map([
        [follower.memberId, Buffer.from('p1')],
        [leader, Buffer.from('p0')],
      ]),
    );
    expect((await followerSync).assignment.toString()).toBe('p1');
    // The follower missed its JoinGroup reply and asks again: same generation, no rebalance.
    const repeat = await group.join(request(follower.memberId, 'b'));
    expect(repeat).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2 });
    expect(group.state).toBe('Stable');
  });

  it('rebalances when a member rejoins with a changed subscription', async () => {
    const group = fresh();
    const { memberId } = (await group.join(request('', 'a'))) as JoinResult;
    await group.sync(1, memberId, new Map());
    const changed = await group.join(request(memberId, 'a', 'orders,payments'));
    expect(changed.generationId).toBe(2);
  });
});
