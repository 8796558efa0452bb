// Replay against the real stack, through the CLI an operator runs: a dry run changes nothing; an
// active group is not rewound; rewinding payment charges nobody twice and the skips are counted;
// a new analytics group rebuilt from history counts what the live one counts; republish --as-new
// starts new traces linked to the originals; a dead letter is redriven after the fix and its order
// completes; every refusal says what is wrong.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '@webstore/schemas';
import { freePort, waitFor } from '@webstore/testkit';
import { startProcess, type ManagedProcess } from '../src/processes.js';
import { REPO_ROOT, startStack, type Stack } from '../src/stack.js';
import { ADMIN, metricValue, stackClient } from './helpers.js';
import { committed, highWatermarks, interruptedCli, lagOf, replayCli } from './replay-helpers.js';

let stack: Stack;
let dataDir: string;
let client: ReturnType<typeof stackClient>;
let rebuild: ManagedProcess | undefined;
const orders: { orderId: string; traceId: string }[] = [];
// Response bodies are read field by field and checked by the assertions.
type Json = ReturnType<typeof JSON.parse>;
const ALL = [TOPICS.orders, TOPICS.inventory, TOPICS.payments, TOPICS.activity];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'webstore-replay-'));
  stack = await startStack({
    dataDir,
    console: true,
    env: {
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BLRP_SCHEDULE_DELAY: '200',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      PAYMENT_LATENCY_MS: '5',
    },
    // Long enough that a dead-lettered order is still pending when it is redriven.
    serviceEnv: { gateway: { ORDER_TIMEOUT_MS: '120000' } },
  });
  client = stackClient(stack);
  for (const [i, country] of ['US', 'DE', 'BR', 'JP', 'FR', 'UK'].entries()) {
    await fetch(`${stack.urls.gateway}/api/activity`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'view_product',
        sessionId: `s-${i}`,
        country,
        productId: 'sku-lamp',
      }),
    });
    orders.push(
      await client.placeOrder({
        items: [{ productId: 'sku-book-sre', quantity: 1 }],
        country,
        paymentSeed: i,
      }),
    );
  }
  await client.untilTerminal(orders.map((o) => o.orderId));
}, 180_000);

afterAll(async () => {
  await rebuild?.stop();
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** How many distinct Payment* events (by ce_id) each order has on the payments topic. */
async function paymentsPerOrder(): Promise<number[]> {
  const ids = new Map<string, Set<string>>();
  for (const m of await client.readTopic(TOPICS.payments)) {
    const key = m.key?.toString() ?? '';
    if (!ids.has(key)) ids.set(key, new Set());
    ids.get(key)!.add(m.headers!.ce_id!.toString());
  }
  return orders.map((o) => ids.get(o.orderId)?.size ?? 0);
}

describe('replay', () => {
  it('plans without changing an offset or publishing anything', async () => {
    const before = {
      high: await highWatermarks(client.kafka, ALL),
      payment: await committed(client.kafka, 'payment', [TOPICS.inventory, TOPICS.orders]),
    };
    const plan = await replayCli<{ plan: { total: number; eventTypes: Record<string, number> } }>(
      stack,
      ['plan', '--topic', TOPICS.orders, '--from', '30m', '--type', 'OrderPlaced'],
    );
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.json.plan.total).toBe(orders.length);
    expect(plan.json.plan.eventTypes).toEqual({ OrderPlaced: orders.length });
    const dry = await Promise.all([
      replayCli(stack, ['republish', '--topic', TOPICS.orders, '--from', '30m', '--as-new']),
      replayCli(stack, [
        'rewind',
        '--group',
        'payment',
        '--topic',
        TOPICS.inventory,
        '--to-earliest',
      ]),
      replayCli(stack, ['dlq', '--topic', `${TOPICS.orders}.dlq`, '--all']),
    ]);
    for (const run of dry) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.json.executed).toBe(false);
    }
    expect(await highWatermarks(client.kafka, ALL)).toEqual(before.high);
    expect(await committed(client.kafka, 'payment', [TOPICS.inventory, TOPICS.orders])).toEqual(
      before.payment,
    );
    expect((await replayCli<unknown[]>(stack, ['list'])).json).toEqual([]);
  });

  it('refuses to rewind a group with members, naming them', async () => {
    const before = await committed(client.kafka, 'payment', [TOPICS.inventory]);
    const run = await replayCli(stack, [
      'rewind',
      '--group',
      'payment',
      '--topic',
      TOPICS.inventory,
      '--to-earliest',
      '--execute',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/group "payment" has 1 active member\(s\): payment \(/);
    expect(run.stderr).toMatch(/--stop-service/);
    expect(run.json).toMatchObject({ error: 'group-active', status: 409 });
    expect(await committed(client.kafka, 'payment', [TOPICS.inventory])).toEqual(before);
  });

  it('rewinds payment with --stop-service: the window is read again and nobody is charged twice', async () => {
    const skipped = () =>
      metricValue(stack.urls.payment, 'webstore_duplicates_skipped_total', { group: 'payment' });
    const skippedBefore = await skipped();
    const run = await replayCli<{
      total: number;
      lagBefore: { lag: number }[];
      lagAfter: { lag: number }[];
    }>(stack, [
      'rewind',
      '--group',
      'payment',
      '--topic',
      TOPICS.inventory,
      '--by-duration',
      '30m',
      '--stop-service',
      '--execute',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.total).toBeGreaterThanOrEqual(orders.length);
    expect(run.json.lagBefore.reduce((n, l) => n + l.lag, 0)).toBe(0);
    expect(run.json.lagAfter.reduce((n, l) => n + l.lag, 0)).toBe(run.json.total);
    await waitFor(async () => (await lagOf(client.kafka, 'payment', [TOPICS.inventory])) === 0, {
      timeoutMs: 60_000,
      message: 'payment to read the rewound window again',
    });
    await waitFor(async () => (await skipped()) - skippedBefore >= orders.length, {
      timeoutMs: 30_000,
      message: `payment to count ${orders.length} skipped duplicates`,
    });
    expect(await paymentsPerOrder()).toEqual(orders.map(() => 1));
    expect((await fetch(`${stack.urls.payment}/readyz`)).status).toBe(200);
  });

  it('rebuilds a new analytics group from history with the live funnel counts', async () => {
    const run = await replayCli(stack, [
      'rewind',
      '--group',
      'analytics-rebuild',
      ...ALL.flatMap((t) => ['--topic', t]),
      '--to-earliest',
      '--execute',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const port = await freePort('127.0.0.1');
    rebuild = await startProcess({
      name: 'analytics-rebuild',
      command: process.execPath,
      args: [
        '--import',
        '@webstore/observability/register',
        join(REPO_ROOT, 'consumers/analytics/dist/main.js'),
      ],
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        KAFKA_BROKERS: stack.kafkaBrokers,
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: join(dataDir, 'analytics-rebuild'),
        CONSUMER_GROUP: 'analytics-rebuild',
        OTEL_SERVICE_NAME: 'analytics-rebuild',
      },
      logFile: join(dataDir, 'logs', 'analytics-rebuild.log'),
      readyUrl: `http://127.0.0.1:${port}/readyz`,
      timeoutMs: 60_000,
    });
    await waitFor(async () => (await lagOf(client.kafka, 'analytics-rebuild', ALL)) === 0, {
      timeoutMs: 60_000,
      message: 'the rebuild group to catch up',
    });
    await waitFor(async () => (await lagOf(client.kafka, 'analytics', ALL)) === 0, {
      timeoutMs: 30_000,
      message: 'the live analytics group to be caught up',
    });
    for (const stage of ['view_product', 'checkout_complete']) {
      const live = await metricValue(stack.urls.analytics, 'webstore_funnel_stage_total', {
        stage,
      });
      const rebuilt = await metricValue(`http://127.0.0.1:${port}`, 'webstore_funnel_stage_total', {
        stage,
      });
      expect(live, stage).toBeGreaterThan(0);
      expect(rebuilt, stage).toBe(live);
    }
  });

  it('republishes --as-new in new traces whose root spans link to the originals', async () => {
    const original = orders[0]!;
    const run = await replayCli<{ replayId: string; published: number }>(stack, [
      'republish',
      '--topic',
      TOPICS.orders,
      '--from',
      '30m',
      '--key',
      original.orderId,
      '--as-new',
      '--execute',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.published).toBe(1);
    const copy = (await client.readTopic(TOPICS.orders)).find(
      (m) => m.headers?.webstore_replay_id?.toString() === run.json.replayId,
    );
    expect(copy?.headers?.webstore_replay_of?.toString()).toMatch(
      new RegExp(`^${TOPICS.orders}/\\d+/\\d+$`),
    );
    const originalId = copy!.headers!.webstore_original_ce_id!.toString();
    expect(copy!.headers!.ce_id!.toString()).not.toBe(originalId);
    type Span = {
      parentSpanId?: string;
      name: string;
      links?: { traceId: string }[];
      attributes: { key: string; value: { boolValue?: boolean } }[];
    };
    let root: Span | undefined;
    await waitFor(
      async () => {
        const list = (await (
          await fetch(`${stack.urls.console}/api/traces?replay=true&limit=100`)
        ).json()) as { traces: { traceId: string }[] };
        for (const { traceId } of list.traces) {
          if (traceId === original.traceId) continue;
          const trace = (await (
            await fetch(`${stack.urls.console}/api/traces/${traceId}`)
          ).json()) as { resourceSpans: { scopeSpans: { spans: Span[] }[] }[] };
          const spans = trace.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
          root = spans.find(
            (s) => !s.parentSpanId && s.links?.some((l) => l.traceId === original.traceId),
          );
          if (root) return true;
        }
        return false;
      },
      { timeoutMs: 30_000, message: `a replay trace whose root links to ${original.traceId}` },
    );
    expect(root!.name).toBe(`replay ${TOPICS.orders}`);
    expect(root!.attributes.find((a) => a.key === 'webstore.replay')?.value.boolValue).toBe(true);
    // The gateway's read model shows the copy as a replay in the order's journey.
    await waitFor(
      async () =>
        (
          (await client.order(original.orderId)).events as { type: string; replay?: boolean }[]
        ).some((e) => e.type === 'OrderPlaced' && e.replay === true),
      { timeoutMs: 15_000, message: 'the replayed OrderPlaced in the journey, marked as a replay' },
    );
    // The copy went through the saga again, and payment still decided once.
    expect(await paymentsPerOrder()).toEqual(orders.map(() => 1));
  });

  it('redrives a dead letter after the fix, and its order completes', async () => {
    const faults = (body: object) =>
      fetch(`${stack.urls.payment}/admin/faults`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await faults({ failEventTypes: ['StockReserved'] })).status).toBe(200);
    const { orderId } = await client.placeOrder({
      items: [{ productId: 'sku-lamp', quantity: 1 }],
      country: 'US',
      paymentSeed: 1,
    });
    const dlq = `${TOPICS.inventory}.dlq`;
    const dead = await waitFor(
      async () =>
        (await client.readTopic(dlq)).find(
          (m) => m.key?.toString() === orderId && m.headers?.dlq_group?.toString() === 'payment',
        ),
      { timeoutMs: 30_000, message: `the StockReserved of ${orderId} in ${dlq}` },
    );
    expect(dead!.headers!.dlq_error!.toString()).toBe('InjectedFault');
    expect((await client.order(orderId)).status).toBe('pending');
    expect((await faults({ failEventTypes: [] })).status).toBe(200);
    const eventId = dead!.headers!.ce_id!.toString();
    const planned = await replayCli<{ plan: { total: number }; targets: Record<string, number> }>(
      stack,
      ['dlq', '--topic', dlq, '--event-id', eventId],
    );
    expect(planned.json.plan.total).toBe(1);
    expect(planned.json.targets).toEqual({ [TOPICS.inventory]: 1 });
    const run = await replayCli<{ published: number }>(stack, [
      'dlq',
      '--topic',
      dlq,
      '--event-id',
      eventId,
      '--execute',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.published).toBe(1);
    const [order] = await client.untilTerminal([orderId]);
    expect(order!.status).toBe('completed');
    expect(await client.eventsFor(TOPICS.payments, orderId)).toHaveLength(1);
    const again = await replayCli(stack, [
      'dlq',
      '--topic',
      dlq,
      '--event-id',
      eventId,
      '--execute',
    ]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      /no dead letter .* is waiting for a redrive \(1 redriven already\)/,
    );
  });

  it('sends a redriven message that fails again back to the DLQ, once, and waits for the next redrive', async () => {
    const faults = (body: object) =>
      fetch(`${stack.urls.payment}/admin/faults`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const dlq = `${TOPICS.inventory}.dlq`;
    const deadOf = async (orderId: string) =>
      (await client.readTopic(dlq)).filter((m) => m.key?.toString() === orderId);
    await faults({ failEventTypes: ['StockReserved'] });
    const { orderId } = await client.placeOrder({
      items: [{ productId: 'sku-lamp', quantity: 1 }],
      country: 'DE',
      paymentSeed: 1,
    });
    await waitFor(async () => (await deadOf(orderId)).length === 1, {
      timeoutMs: 30_000,
      message: `the StockReserved of ${orderId} dead-lettered`,
    });
    // Redriven before the fix: it fails again and is dead-lettered again, marked as a redrive.
    const early = await replayCli(stack, ['dlq', '--topic', dlq, '--all', '--execute']);
    expect(early.code, early.stderr).toBe(0);
    const again = await waitFor(
      async () => (await deadOf(orderId)).find((m) => m.headers?.webstore_redrive_count),
      { timeoutMs: 30_000, message: 'the redriven copy back in the DLQ' },
    );
    expect(again!.headers!.webstore_redrive_count!.toString()).toBe('1');
    expect(again!.headers!.dlq_error!.toString()).toBe('InjectedFault');
    // Nothing redrives it by itself: the only pending dead letter is the new one.
    const pending = await replayCli<{ plan: { total: number }; alreadyRedriven: number }>(stack, [
      'dlq',
      '--topic',
      dlq,
      '--all',
    ]);
    expect(pending.json.plan.total).toBe(1);
    expect((await deadOf(orderId)).length).toBe(2);
    await faults({ failEventTypes: [] });
    const fixed = await replayCli<{ published: number }>(stack, [
      'dlq',
      '--topic',
      dlq,
      '--all',
      '--execute',
    ]);
    expect(fixed.json.published).toBe(1);
    expect((await client.untilTerminal([orderId]))[0]!.status).toBe('completed');
    expect(await client.eventsFor(TOPICS.payments, orderId)).toHaveLength(1);
  });

  it('stops cleanly on Ctrl-C and continues with --resume where it stopped', async () => {
    const window = ['--topic', TOPICS.orders, '--from', '30m', '--type', 'OrderPlaced'];
    const stopped = await interruptedCli(
      stack,
      ['republish', ...window, '--rate', '4', '--execute'],
      /: [1-9]\d*\/\d+/,
    );
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stdout).toMatch(/interrupted: replay (rpl-\S+), \d+ published/);
    const id = /interrupted: replay (rpl-\S+),/.exec(stopped.stdout)![1]!;
    const record = (
      await replayCli<{ status: string; counts: { published: number } }>(stack, ['show', id])
    ).json;
    expect(record.status).toBe('interrupted');
    const done = record.counts.published;
    expect(done).toBeGreaterThan(0);
    const resumed = await replayCli<{
      published: number;
      alreadyDone: number;
      plan: { total: number };
    }>(stack, ['republish', '--resume', id]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json.alreadyDone).toBe(done);
    expect(resumed.json.published + done).toBe(resumed.json.plan.total);
    expect((await replayCli<{ status: string }>(stack, ['show', id])).json.status).toBe(
      'completed',
    );
  });

  it('refuses bad requests with a clear message, and audits every execution', async () => {
    const refusals: [string[], RegExp][] = [
      [['plan', '--topic', 'nope', '--from', '10m'], /topic "nope" does not exist/],
      [
        ['plan', '--topic', TOPICS.orders, '--from', '5m', '--to', '10m'],
        /"to" .* must be after "from"/,
      ],
      [
        ['plan', '--topic', TOPICS.orders, '--from', 'yesterday'],
        /from: "yesterday" is neither an ISO 8601 time/,
      ],
      [
        [
          'republish',
          '--topic',
          TOPICS.orders,
          '--from',
          '2020-01-01T00:00:00Z',
          '--to',
          '2020-01-02T00:00:00Z',
          '--execute',
        ],
        /no record of webstore.orders.v1 between/,
      ],
      [['dlq', '--topic', `${TOPICS.orders}.dlq`, '--execute'], /needs --event-id ID or --all/],
      [
        ['rewind', '--group', 'payment', '--topic', TOPICS.inventory],
        /exactly one of --to-datetime/,
      ],
      [
        ['republish', '--topic', TOPICS.orders, '--from', '10m', '--rate', '5', '--speed', '2'],
        /at most one of --rate/,
      ],
      [['rewind', '--group', 'payment', '--bogus'], /Unknown option '--bogus'/],
    ];
    for (const [args, message] of refusals) {
      const run = await replayCli(stack, args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
    }
    const list = (
      await replayCli<{ id: string; kind: string; status: string; operator: string }[]>(stack, [
        'list',
      ])
    ).json;
    expect(list.map((r) => `${r.kind} ${r.status}`).sort()).toEqual(
      [
        'dlq completed',
        'dlq completed',
        'dlq completed',
        'republish completed',
        'republish completed',
        'rewind completed',
        'rewind completed',
        'rewind refused',
      ].sort(),
    );
    expect(new Set(list.map((r) => r.operator))).toEqual(new Set(['Sam Okafor (admin)']));
    const shown = await replayCli<{ id: string; request: { group?: string } }>(stack, [
      'show',
      list.at(-1)!.id,
    ]);
    expect(shown.json.id).toBe(list.at(-1)!.id);
  });

  it('serves the Kafka browser and the replay admin API on the console, with problem documents', async () => {
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${stack.urls.console}${path}`, init).then(async (r) => ({
        status: r.status,
        type: r.headers.get('content-type') ?? '',
        body: (await r.json().catch(() => null)) as Json,
      }));
    const post = (body: object, token = ADMIN) =>
      api('/api/admin/replays', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    const topics = await api('/api/kafka/topics');
    expect(topics.status, JSON.stringify(topics.body)).toBe(200);
    const ordersTopic = topics.body.topics.find((t: { name: string }) => t.name === TOPICS.orders);
    expect(ordersTopic.messages).toBeGreaterThanOrEqual(orders.length);
    expect(ordersTopic.partitions).toHaveLength(3);
    const page = await api(`/api/kafka/topics/${TOPICS.orders}/messages?from=-30m&limit=100`);
    const first = page.body.messages.find((m: { key: string }) => m.key === orders[0]!.orderId);
    expect(first.headers.ce_type).toBe('com.webstore.order.placed.v1');
    expect(first.traceId).toBe(orders[0]!.traceId);
    expect(first.value.orderId).toBe(orders[0]!.orderId);
    const groups = await api('/api/kafka/groups');
    const payment = groups.body.groups.find((g: { groupId: string }) => g.groupId === 'payment');
    expect(payment.state).toBe('Stable');
    expect(payment.members).toHaveLength(1);
    expect(Object.keys(payment.members[0].assignment).sort()).toEqual(
      [TOPICS.inventory, TOPICS.orders].sort(),
    );
    expect(payment.offsets.length).toBeGreaterThan(0);

    expect((await post({ command: 'plan', topic: TOPICS.orders }, '')).status).toBe(401);
    expect((await post({ command: 'plan', topic: TOPICS.orders }, 'user-token-123')).status).toBe(
      403,
    );
    const plan = await post({
      command: 'plan',
      topic: TOPICS.orders,
      from: '30m',
      type: 'OrderPlaced',
    });
    expect(plan.status).toBe(200);
    expect(plan.body.plan.total).toBeGreaterThanOrEqual(orders.length);
    const refusals: [object, number, string, RegExp][] = [
      [
        {
          command: 'rewind',
          group: 'payment',
          topic: TOPICS.inventory,
          toEarliest: true,
          execute: true,
        },
        409,
        'group-active',
        /active member/,
      ],
      [{ command: 'plan', topic: 'nope' }, 404, 'unknown-topic', /topic "nope" does not exist/],
      [
        { command: 'plan', topic: TOPICS.orders, from: '5m', to: '10m' },
        400,
        'invalid-window',
        /must be after/,
      ],
      [
        {
          command: 'republish',
          topic: TOPICS.orders,
          from: '2020-01-01T00:00:00Z',
          to: '2020-01-02T00:00:00Z',
          execute: true,
        },
        422,
        'empty-window',
        /no record/,
      ],
      [{ command: 'erase' }, 400, 'validation', /command must be one of/],
    ];
    for (const [body, status, slug, detail] of refusals) {
      const answer = await post(body);
      expect(answer.status, JSON.stringify(body)).toBe(status);
      expect(answer.type).toMatch(/application\/problem\+json/);
      expect(answer.body.type).toBe(`https://webstore.example/problems/${slug}`);
      expect(answer.body.detail).toMatch(detail);
    }
    expect((await post(refusals[0]![0])).body.members[0].clientId).toBe('payment');

    // A republish that keeps the ids: every consumer drops the copies, progress streams as SSE.
    const skipped = () =>
      metricValue(stack.urls.payment, 'webstore_duplicates_skipped_total', {
        group: 'payment',
        replay: 'true',
      });
    const skippedBefore = await skipped();
    const started = await post({
      command: 'republish',
      topic: TOPICS.orders,
      from: '30m',
      type: 'OrderPlaced',
      rate: 50,
      execute: true,
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const id = started.body.id as string;
    const events = await fetch(`${stack.urls.console}/api/admin/replays/${id}/events`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(events.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await events.text();
    expect(text).toMatch(/event: done/);
    const shown = await api(`/api/admin/replays/${id}`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(shown.body.status).toBe('completed');
    expect(shown.body.operator).toBe('Sam Okafor (console)');
    expect(shown.body.counts.published).toBe(plan.body.plan.total);
    const list = await api('/api/admin/replays', { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(list.body.replays[0].id).toBe(id);
    await waitFor(async () => (await skipped()) - skippedBefore >= plan.body.plan.total, {
      timeoutMs: 30_000,
      message: 'payment to skip every copy that kept its id',
    });
    expect(await paymentsPerOrder()).toEqual(orders.map(() => 1));
    // The console traces the replays it runs too: a root span per copy, linked to the original.
    type Attr = { key: string; value: { stringValue?: string } };
    const fromConsole = await waitFor(
      async () => {
        const found = (await (
          await fetch(`${stack.urls.console}/api/traces/${orders[2]!.traceId}/linked`)
        ).json()) as {
          resourceSpans: {
            resource: { attributes: Attr[] };
            scopeSpans: { spans: { name: string; parentSpanId?: string; attributes: Attr[] }[] }[];
          }[];
        };
        return found.resourceSpans
          .filter((r) => r.resource.attributes.some((a) => a.value.stringValue === 'console'))
          .flatMap((r) => r.scopeSpans.flatMap((ss) => ss.spans))
          .find((sp) =>
            sp.attributes.some((a) => a.key === 'webstore.replay.id' && a.value.stringValue === id),
          );
      },
      { timeoutMs: 30_000, message: `the console's replay span linked to ${orders[2]!.traceId}` },
    );
    expect(fromConsole.name).toBe(`replay ${TOPICS.orders}`);
    expect(fromConsole.parentSpanId ?? '').toBe('');
  });
});
