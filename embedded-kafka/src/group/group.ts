// One classic consumer group as an explicit state machine:
//   Empty → PreparingRebalance → CompletingRebalance → Stable → (PreparingRebalance …) ; Dead when deleted.
// JoinGroup and SyncGroup replies are held (as promises) until the rebalance they wait for completes.
// All state changes are synchronous; timers call back into the same methods.
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/error-codes.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export interface JoinRequest {
  memberId: string;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  members: { memberId: string; metadata: Buffer }[];
}

export interface SyncResult {
  errorCode: number;
  assignment: Buffer;
}

export interface Member {
  memberId: string;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: Protocol[];
  assignment: Buffer;
  joined: boolean;
  pendingJoin?: (result: JoinResult) => void;
  pendingSync?: (result: SyncResult) => void;
  sessionTimer?: NodeJS.Timeout;
}

/** A consumer-protocol assignment with no partitions: some clients cannot decode zero bytes. */
const EMPTY_CONSUMER_ASSIGNMENT = Buffer.from([0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);

export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType = '';
  protocolName = '';
  leader = '';
  readonly members = new Map<string, Member>();
  private rebalanceTimer?: NodeJS.Timeout;

  constructor(readonly groupId: string) {}

  join(request: JoinRequest): JoinResult | Promise<JoinResult> {
    const fail = (errorCode: number): JoinResult => ({
      errorCode,
      generationId: -1,
      protocolName: '',
      leader: '',
      memberId: request.memberId,
      members: [],
    });
    if (this.members.size > 0 && request.protocolType !== this.protocolType)
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    if (this.members.size > 0 && !this.supportsAny(request.protocols, request.memberId)) {
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    let member: Member | undefined;
    if (request.memberId === '') {
      member = {
        memberId: `${request.clientId || 'member'}-${randomUUID()}`,
        clientId: request.clientId,
        clientHost: request.clientHost,
        sessionTimeoutMs: request.sessionTimeoutMs,
        rebalanceTimeoutMs: request.rebalanceTimeoutMs,
        protocols: request.protocols,
        assignment: Buffer.alloc(0),
        joined: false,
      };
      this.members.set(member.memberId, member);
    } else {
      member = this.members.get(request.memberId);
      if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      const unchanged = sameProtocols(member.protocols, request.protocols);
      // As Kafka does: a follower rejoining with unchanged metadata (it missed the JoinGroup reply)
      // gets the current generation back. The leader rejoining a stable group means the assignment
      // must change for reasons the member metadata does not show (a topic's partitions became
      // known), so it always starts a rebalance; answering it with the old generation would pin the
      // assignment it computed before it knew the partitions.
      if (
        unchanged &&
        (this.state === 'CompletingRebalance' ||
          (this.state === 'Stable' && member.memberId !== this.leader))
      ) {
        this.touch(member);
        return this.joinResult(member);
      }
      member.protocols = request.protocols;
      member.sessionTimeoutMs = request.sessionTimeoutMs;
      member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
    }
    this.protocolType = request.protocolType;
    const held = new Promise<JoinResult>((resolve) => {
      member.pendingJoin?.(fail(ErrorCode.UNKNOWN_MEMBER_ID));
      member.pendingJoin = resolve;
    });
    member.joined = true;
    // While a join is held the member cannot heartbeat; its session restarts when the join completes.
    clearTimeout(member.sessionTimer);
    this.prepareRebalance();
    return held;
  }

  sync(
    generationId: number,
    memberId: string,
    assignments: Map<string, Buffer>,
  ): SyncResult | Promise<SyncResult> {
    const member = this.members.get(memberId);
    if (!member) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) };
    if (generationId !== this.generationId)
      return { errorCode: ErrorCode.ILLEGAL_GENERATION, assignment: Buffer.alloc(0) };
    if (this.state === 'PreparingRebalance')
      return { errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) };
    this.touch(member);
    if (this.state === 'Stable')
      return { errorCode: ErrorCode.NONE, assignment: member.assignment };
    const held = new Promise<SyncResult>((resolve) => {
      member.pendingSync = resolve;
    });
    if (memberId === this.leader) {
      for (const m of this.members.values()) {
        const given = assignments.get(m.memberId);
        m.assignment =
          given && given.length > 0
            ? given
            : this.protocolType === 'consumer'
              ? EMPTY_CONSUMER_ASSIGNMENT
              : Buffer.alloc(0);
      }
      this.state = 'Stable';
      clearTimeout(this.rebalanceTimer);
      for (const m of this.members.values()) {
        m.pendingSync?.({ errorCode: ErrorCode.NONE, assignment: m.assignment });
        m.pendingSync = undefined;
      }
    }
    return held;
  }

  heartbeat(generationId: number, memberId: string): number {
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.touch(member);
    return this.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  leave(memberId: string): number {
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.remove(member);
    return ErrorCode.NONE;
  }

  /** Checks a commit from a member (simple commits use generation -1 and no member id). */
  validateCommit(generationId: number, memberId: string): number {
    if (generationId < 0 && memberId === '') {
      return this.members.size === 0 ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
    }
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    if (this.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    this.touch(member);
    return ErrorCode.NONE;
  }

  /** Stops every timer and fails held replies (broker shutdown). */
  close(): void {
    clearTimeout(this.rebalanceTimer);
    for (const m of this.members.values()) {
      clearTimeout(m.sessionTimer);
      m.pendingJoin?.({
        errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
        generationId: -1,
        protocolName: '',
        leader: '',
        memberId: m.memberId,
        members: [],
      });
      m.pendingSync?.({
        errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
        assignment: Buffer.alloc(0),
      });
    }
  }

  private prepareRebalance(): void {
    if (this.state !== 'PreparingRebalance') {
      this.state = 'PreparingRebalance';
      for (const m of this.members.values()) {
        m.pendingSync?.({
          errorCode: ErrorCode.REBALANCE_IN_PROGRESS,
          assignment: Buffer.alloc(0),
        });
        m.pendingSync = undefined;
      }
      clearTimeout(this.rebalanceTimer);
      const timeout = Math.max(...[...this.members.values()].map((m) => m.rebalanceTimeoutMs));
      this.rebalanceTimer = setTimeout(() => this.completeRebalance(), timeout);
    }
    if ([...this.members.values()].every((m) => m.joined)) this.completeRebalance();
  }

  private completeRebalance(): void {
    clearTimeout(this.rebalanceTimer);
    for (const m of [...this.members.values()]) if (!m.joined) this.drop(m);
    this.generationId += 1;
    if (this.members.size === 0) {
      this.state = 'Empty';
      this.protocolName = '';
      this.leader = '';
      return;
    }
    this.protocolName = this.vote();
    if (!this.members.has(this.leader)) this.leader = this.members.keys().next().value!;
    this.state = 'CompletingRebalance';
    for (const m of this.members.values()) {
      m.joined = false;
      m.pendingJoin?.(this.joinResult(m));
      m.pendingJoin = undefined;
      this.touch(m);
    }
    // If the leader never sends its assignment, start over rather than hang the group.
    const leader = this.members.get(this.leader)!;
    this.rebalanceTimer = setTimeout(() => {
      if (this.state === 'CompletingRebalance') this.prepareRebalance();
    }, leader.rebalanceTimeoutMs);
  }

  private joinResult(member: Member): JoinResult {
    const isLeader = member.memberId === this.leader;
    return {
      errorCode: ErrorCode.NONE,
      generationId: this.generationId,
      protocolName: this.protocolName,
      leader: this.leader,
      memberId: member.memberId,
      members: isLeader
        ? [...this.members.values()].map((m) => ({
            memberId: m.memberId,
            metadata:
              m.protocols.find((p) => p.name === this.protocolName)?.metadata ?? Buffer.alloc(0),
          }))
        : [],
    };
  }

  /** Each member votes for its most preferred protocol that every member supports. */
  private vote(): string {
    const members = [...this.members.values()];
    const common = members[0]!.protocols
      .map((p) => p.name)
      .filter((name) => members.every((m) => m.protocols.some((p) => p.name === name)));
    const votes = new Map<string, number>();
    for (const m of members) {
      const choice = m.protocols.find((p) => common.includes(p.name))!.name;
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    return [...votes].sort((a, b) => b[1] - a[1])[0]![0];
  }

  private supportsAny(protocols: Protocol[], memberId: string): boolean {
    const others = [...this.members.values()].filter((m) => m.memberId !== memberId);
    return protocols.some((p) => others.every((m) => m.protocols.some((q) => q.name === p.name)));
  }

  private touch(member: Member): void {
    clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(() => {
      if (this.members.get(member.memberId) === member && !member.pendingJoin) this.remove(member);
    }, member.sessionTimeoutMs);
  }

  private drop(member: Member): void {
    clearTimeout(member.sessionTimer);
    member.pendingJoin?.({
      errorCode: ErrorCode.UNKNOWN_MEMBER_ID,
      generationId: -1,
      protocolName: '',
      leader: '',
      memberId: member.memberId,
      members: [],
    });
    member.pendingSync?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) });
    this.members.delete(member.memberId);
  }

  /** A member left or its session expired: the others rebalance without it. */
  private remove(member: Member): void {
    this.drop(member);
    if (this.members.size === 0) {
      clearTimeout(this.rebalanceTimer);
      this.generationId += 1;
      this.state = 'Empty';
      this.protocolName = '';
      this.leader = '';
      return;
    }
    if (this.state !== 'PreparingRebalance')
      for (const m of this.members.values()) m.joined = false;
    this.prepareRebalance();
  }
}

function sameProtocols(a: Protocol[], b: Protocol[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata))
  );
}
