// Everything the handlers share: the logs, the groups, topic creation rules, and the wake-ups that
// let a waiting Fetch return as soon as a Produce appends to a partition it reads.
import { Group } from './group/group.js';
import type { LogStore } from './log/log-store.js';
import { ErrorCode } from './protocol/error-codes.js';

export interface BrokerIdentity {
  nodeId: number;
  host: string;
  port: number;
  clusterId: string;
  defaultPartitions: number;
  autoCreateTopics: boolean;
}

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

export class BrokerState {
  readonly groups = new Map<string, Group>();
  private readonly waiters = new Set<{ keys: Set<string>; wake: () => void }>();
  private nextProducerId = 1000;

  constructor(
    readonly store: LogStore,
    readonly identity: BrokerIdentity,
  ) {}

  /** Creates a topic; answers with the Kafka error code (0 on success). */
  createTopic(name: string, partitions: number): number {
    if (!LEGAL_TOPIC.test(name) || name === '.' || name === '..')
      return ErrorCode.INVALID_TOPIC_EXCEPTION;
    if (this.store.hasTopic(name)) return ErrorCode.TOPIC_ALREADY_EXISTS;
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 10_000)
      return ErrorCode.INVALID_PARTITIONS;
    this.store.createTopic(name, partitions);
    return ErrorCode.NONE;
  }

  /** True when the topic exists, creating it first if auto-creation applies. */
  ensureTopic(name: string, allowAutoCreate: boolean): boolean {
    if (this.store.hasTopic(name)) return true;
    if (!allowAutoCreate || !this.identity.autoCreateTopics) return false;
    return this.createTopic(name, this.identity.defaultPartitions) === ErrorCode.NONE;
  }

  group(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new Group(groupId);
      this.groups.set(groupId, group);
    }
    return group;
  }

  allocateProducerId(): number {
    return this.nextProducerId++;
  }

  /** Resolves when any of the partitions gets new data, or after `timeoutMs`. */
  waitForAppend(partitions: Iterable<string>, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter = {
        keys: new Set(partitions),
        wake: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.wake, Math.max(0, timeoutMs));
      this.waiters.add(waiter);
    });
  }

  notifyAppend(topic: string, partition: number): void {
    const key = partitionKey(topic, partition);
    for (const waiter of [...this.waiters]) if (waiter.keys.has(key)) waiter.wake();
  }

  close(): void {
    for (const waiter of [...this.waiters]) waiter.wake();
    for (const group of this.groups.values()) group.close();
  }
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
