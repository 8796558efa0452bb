// Whether this consumer is a member of its group right now, from kafkajs's instrumentation events.
// A member is one that has joined (GROUP_JOIN) and has not since started a rebalance, crashed or
// stopped, and that has heard from the broker recently (a fetch or a heartbeat): while the broker
// is down kafkajs emits nothing for a long time, but the group has forgotten the member by then.
// Rebalances are made visible here too: each join is logged with the partitions this instance now
// owns and counted (webstore_consumer_rebalances_total), and the partitions it owns per topic are
// a gauge (webstore_consumer_assigned_partitions), set to 0 while the group rebalances.
import type { Consumer } from 'kafkajs';
import { serviceInstanceId } from '@webstore/observability/instance';
import { EVENT_NAME_FIELD, LOG_EVENTS } from '@webstore/observability/log-events';
import type { Logger } from '@webstore/observability/logger';
import type { WebstoreMetrics } from '@webstore/observability/metrics';

export type MembershipState =
  'joining' | 'member' | 'rebalancing' | 'crashed' | 'stopped' | 'paused';

export interface MembershipStatus {
  inGroup: boolean;
  state: MembershipState;
  /** Why the consumer is not in its group, when it is not. */
  detail?: string;
}

export interface Membership {
  status(): MembershipStatus;
  /** Partitions per topic this instance owns now (none while it is out of its group). */
  owned(): Record<string, number[]>;
}

/** Tracks `consumer`'s membership; `staleAfterMs` without a fetch or heartbeat answer counts as out. */
export function trackMembership(
  consumer: Consumer,
  log: Logger,
  groupId: string,
  staleAfterMs: number,
  metrics?: WebstoreMetrics,
): Membership {
  const instance = serviceInstanceId();
  let owned: Record<string, number[]> = {};
  const recordOwned = (assignment: Record<string, number[]>) => {
    for (const topic of new Set([...Object.keys(owned), ...Object.keys(assignment)]))
      metrics?.consumerAssignedPartitions.record(assignment[topic]?.length ?? 0, {
        group: groupId,
        topic,
        service_instance_id: instance,
      });
    owned = assignment;
  };
  let state: MembershipState = 'joining';
  let detail: string | undefined = 'not joined yet';
  let lastContact = 0;
  const { events } = consumer;
  const leave = (next: MembershipState, why: string) => {
    if (state === 'member') {
      log.warn(
        {
          [EVENT_NAME_FIELD]: LOG_EVENTS.groupLeft,
          group: groupId,
          instance,
          state: next,
          reason: why,
          revoked: owned,
        },
        'left consumer group',
      );
      recordOwned({});
    }
    state = next;
    detail = why;
  };
  const contact = () => void (lastContact = Date.now());

  consumer.on(events.GROUP_JOIN, (e) => {
    state = 'member';
    detail = undefined;
    contact();
    const assignment = e.payload.memberAssignment;
    log.info(
      {
        [EVENT_NAME_FIELD]: LOG_EVENTS.groupJoined,
        group: groupId,
        instance,
        memberId: e.payload.memberId,
        assignment,
        previous: owned,
      },
      'joined consumer group',
    );
    metrics?.consumerRebalances.add(1, { group: groupId, service_instance_id: instance });
    recordOwned(assignment);
  });
  consumer.on(events.HEARTBEAT, contact);
  consumer.on(events.FETCH, contact);
  consumer.on(events.REBALANCING, () => leave('rebalancing', 'the group is rebalancing'));
  consumer.on(events.CRASH, (e) =>
    leave(
      'crashed',
      `${e.payload.error.name}: ${e.payload.error.message}${e.payload.restart ? ' (restarting)' : ''}`,
    ),
  );
  consumer.on(events.STOP, () => leave('stopped', 'the consumer stopped'));

  return {
    owned: () => owned,
    status() {
      if (state !== 'member') return { inGroup: false, state, detail };
      const silentMs = Date.now() - lastContact;
      if (silentMs > staleAfterMs)
        return {
          inGroup: false,
          state,
          detail: `no answer from the broker for ${Math.round(silentMs / 1000)} s`,
        };
      return { inGroup: true, state };
    },
  };
}
