// Whether this consumer is a member of its group right now, from kafkajs's instrumentation events.
// A member is one that has joined (GROUP_JOIN) and has not since started a rebalance, crashed or
// stopped, and that has heard from the broker recently (a fetch or a heartbeat): while the broker
// is down kafkajs emits nothing for a long time, but the group has forgotten the member by then.
import type { Consumer } from 'kafkajs';
import type { Logger } from '@webstore/observability/logger';

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
}

/** Tracks `consumer`'s membership; `staleAfterMs` without a fetch or heartbeat answer counts as out. */
export function trackMembership(
  consumer: Consumer,
  log: Logger,
  groupId: string,
  staleAfterMs: number,
): Membership {
  let state: MembershipState = 'joining';
  let detail: string | undefined = 'not joined yet';
  let lastContact = 0;
  const { events } = consumer;
  const leave = (next: MembershipState, why: string) => {
    if (state === 'member')
      log.warn({ group: groupId, state: next, reason: why }, 'left consumer group');
    state = next;
    detail = why;
  };
  const contact = () => void (lastContact = Date.now());

  consumer.on(events.GROUP_JOIN, (e) => {
    state = 'member';
    detail = undefined;
    contact();
    log.info(
      { group: groupId, memberId: e.payload.memberId, assignment: e.payload.memberAssignment },
      'joined consumer group',
    );
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
