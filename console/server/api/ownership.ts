// Which consumer instance owned which partitions, and when that changed: GET
// /api/kafka/groups/:groupId/history, read from the join and leave records the consumer runtime
// logs (LOG_EVENTS) — the console learns it from telemetry, so it works with any broker and
// survives the members that wrote it.
import Router from '@koa/router';
import { LOG_EVENTS } from '@webstore/observability/log-events';
import type { LogEntry, LogQueries } from '../store/logs.js';
import { integer } from './params.js';

export interface OwnershipChange {
  time: string;
  event: 'joined' | 'left';
  service: string;
  instance: string | null;
  memberId: string | null;
  /** Partitions per topic the instance owns after this change (none after leaving). */
  assignment: Record<string, number[]>;
  /** What it owned before: on a join, the previous assignment; on a leave, what it gave up. */
  previous: Record<string, number[]>;
  /** Why it left (rebalancing, crashed, stopped) and the detail. */
  state?: string;
  reason?: string;
}

// Join and leave records are a few per rebalance; this many covers days of history.
const SCAN_LIMIT = 5_000;

const partitions = (value: unknown): Record<string, number[]> => {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([topic, list]) => [
      topic,
      Array.isArray(list) ? list.map(Number).sort((a, b) => a - b) : [],
    ]),
  );
};
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

function change(entry: LogEntry): OwnershipChange {
  const a = entry.attributes;
  const joined = entry.eventName === LOG_EVENTS.groupJoined;
  return {
    time: entry.time,
    event: joined ? 'joined' : 'left',
    service: entry.service,
    instance: text(a.instance) ?? text(entry.resource['service.instance.id']) ?? null,
    memberId: text(a.memberId) ?? null,
    assignment: joined ? partitions(a.assignment) : {},
    previous: partitions(joined ? a.previous : a.revoked),
    ...(joined ? {} : { state: text(a.state), reason: text(a.reason) }),
  };
}

/** The group's ownership changes, newest first (at most `limit`). */
export function ownershipHistory(
  logs: LogQueries,
  groupId: string,
  limit = SCAN_LIMIT,
): OwnershipChange[] {
  return logs
    .search({ eventNames: [LOG_EVENTS.groupJoined, LOG_EVENTS.groupLeft], limit: SCAN_LIMIT })
    .logs.filter((e) => e.attributes.group === groupId)
    .slice(0, limit)
    .map(change);
}

/** memberId → service.instance.id for a group's members, from their latest join. */
export function memberInstances(logs: LogQueries, groupId: string): Map<string, string> {
  const instances = new Map<string, string>();
  for (const c of ownershipHistory(logs, groupId))
    if (c.event === 'joined' && c.memberId && c.instance && !instances.has(c.memberId))
      instances.set(c.memberId, c.instance);
  return instances;
}

export function ownershipRouter(logs: LogQueries): Router {
  const router = new Router();
  router.get('/api/kafka/groups/:groupId/history', (ctx) => {
    const groupId = ctx.params.groupId!;
    const limit = integer(ctx, 'limit', { min: 1, max: 1000, fallback: 100 })!;
    ctx.body = { groupId, changes: ownershipHistory(logs, groupId, limit) };
  });
  return router;
}
