// Read-only Kafka browser: GET /api/kafka/topics, /api/kafka/topics/:topic/messages and
// /api/kafka/groups (state, members with their instance, assignment, committed offsets, lag).
import Router from '@koa/router';
import kafkajs from 'kafkajs';
import {
  groupLag,
  parseTraceparent,
  rangesFor,
  readRanges,
  READER_GROUP_PREFIX,
  ReplayError,
  type WindowMessage,
} from '@webstore/replay';
import { allTopics, headerString } from '@webstore/schemas';
import type { LogQueries } from '../store/logs.js';
import type { KafkaAccess } from './kafka-client.js';
import { memberInstances } from './ownership.js';
import { integer, time } from './params.js';
import { Problem } from './problem.js';
import { toProblem } from './replays.js';

const visible = (topic: string) => !topic.startsWith('__');

function decodeMessage(m: WindowMessage) {
  const headers: Record<string, string> = {};
  for (const name of Object.keys(m.message.headers ?? {})) {
    const v = headerString(m.message.headers, name);
    if (v !== undefined) headers[name] = v;
  }
  const text = m.message.value?.toString() ?? null;
  let value: unknown = text;
  try {
    value = text === null ? null : JSON.parse(text);
  } catch {
    // Not JSON: shown as text.
  }
  return {
    partition: m.partition,
    offset: m.offset,
    timestamp: new Date(m.timestampMs).toISOString(),
    key: m.message.key?.toString() ?? null,
    headers,
    value,
    traceId: parseTraceparent(headers.traceparent)?.traceId ?? null,
  };
}

export function kafkaRouter(kafka: KafkaAccess, logs: LogQueries): Router {
  const router = new Router();
  const catalog = new Map(allTopics().map((t) => [t.name, t]));

  router.get('/api/kafka/topics', async (ctx) => {
    const { admin } = await kafka.get();
    const names = (await admin.listTopics()).filter(visible).sort();
    const minuteAgo = Date.now() - 60_000;
    ctx.body = {
      topics: await Promise.all(
        names.map(async (name) => {
          const [offsets, recent] = await Promise.all([
            admin.fetchTopicOffsets(name),
            admin.fetchTopicOffsetsByTimestamp(name, minuteAgo),
          ]);
          const partitions = offsets
            .map((p) => ({
              partition: p.partition,
              low: Number(p.low),
              high: Number(p.high),
              messages: Number(p.high) - Number(p.low),
            }))
            .sort((a, b) => a.partition - b.partition);
          const lastMinute = partitions.reduce(
            (n, p) =>
              n +
              p.high -
              Number(recent.find((r) => r.partition === p.partition)?.offset ?? p.high),
            0,
          );
          const spec = catalog.get(name);
          return {
            name,
            partitions,
            messages: partitions.reduce((n, p) => n + p.messages, 0),
            retentionMs: spec?.retentionMs ?? null,
            description: spec?.description ?? null,
            messagesLastMinute: lastMinute,
          };
        }),
      ),
    };
  });

  router.get('/api/kafka/topics/:topic/messages', async (ctx) => {
    const topic = ctx.params.topic!;
    const { kafka: client, admin } = await kafka.get();
    const partition = integer(ctx, 'partition', { min: 0, max: 10_000 });
    const offset = integer(ctx, 'offset', { min: 0, max: Number.MAX_SAFE_INTEGER });
    const from = time(ctx, 'from');
    const limit = integer(ctx, 'limit', { min: 1, max: 500, fallback: 50 })!;
    if (offset !== undefined && from !== undefined)
      throw new Problem('validation', 'give offset or from, not both', 'offset');
    if (offset !== undefined && partition === undefined)
      throw new Problem('validation', 'offset needs partition', 'partition');
    try {
      if (!(await admin.listTopics()).includes(topic))
        throw new ReplayError('unknown-topic', `topic "${topic}" does not exist`, 404);
      let ranges = await rangesFor(admin, topic, from);
      if (partition !== undefined) {
        ranges = ranges.filter((r) => r.partition === partition);
        if (ranges.length === 0)
          throw new Problem(
            'not-found',
            `topic ${topic} has no partition ${partition}`,
            'partition',
          );
      }
      // By offset or by time: `limit` records from there; otherwise the latest `limit` of each.
      ranges = ranges.map((r) => {
        const start =
          offset !== undefined
            ? offset
            : from !== undefined
              ? r.start
              : Math.max(r.start, r.end - limit);
        return {
          partition: r.partition,
          start: Math.min(start, r.end),
          end: Math.min(r.end, start + limit),
        };
      });
      const messages: WindowMessage[] = [];
      await readRanges(client, topic, ranges, (m) => void messages.push(m));
      messages.sort(
        (a, b) => a.timestampMs - b.timestampMs || a.partition - b.partition || a.offset - b.offset,
      );
      ctx.body = { topic, messages: messages.map(decodeMessage) };
    } catch (err) {
      throw toProblem(err);
    }
  });

  router.get('/api/kafka/groups', async (ctx) => {
    const { admin } = await kafka.get();
    const { groups } = await admin.listGroups();
    const ids = groups
      .map((g) => g.groupId)
      .filter((g) => !g.startsWith(READER_GROUP_PREFIX))
      .sort();
    const topics = (await admin.listTopics()).filter(visible);
    const described = ids.length ? (await admin.describeGroups(ids)).groups : [];
    ctx.body = {
      groups: await Promise.all(
        described.map(async (g) => {
          const lag = (await groupLag(admin, g.groupId, topics)).filter((l) => l.committed >= 0);
          const instances = memberInstances(logs, g.groupId);
          return {
            groupId: g.groupId,
            state: g.state,
            protocol: g.protocol || null,
            members: g.members.map((m) => ({
              memberId: m.memberId,
              clientId: m.clientId,
              clientHost: m.clientHost,
              // The member's service.instance.id, from the join it logged (null if unheard of).
              instance: instances.get(m.memberId) ?? null,
              assignment:
                m.memberAssignment.length > 0
                  ? (kafkajs.AssignerProtocol.MemberAssignment.decode(m.memberAssignment)
                      ?.assignment ?? {})
                  : {},
            })),
            offsets: lag,
            lag: lag.reduce((n, l) => n + l.lag, 0),
          };
        }),
      ),
    };
  });
  return router;
}
