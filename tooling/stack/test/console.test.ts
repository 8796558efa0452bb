// The stack with the WebStore Console as its OTLP endpoint, as `npm start` runs it: an order placed
// through the gateway is one trace in the console (HTTP span, then send/process across all three
// topics, each consumer span the child of its producer), analytics' batch spans link into it, and
// the trace's logs come back from the logs API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAGA_PARTITIONS, TOPICS } from '@webstore/schemas';
import { waitFor } from '@webstore/testkit';
import { startStack, type Stack } from '../src/stack.js';

let stack: Stack;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'webstore-console-'));
  stack = await startStack({
    dataDir,
    console: true,
    env: {
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BLRP_SCHEDULE_DELAY: '200',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      PAYMENT_LATENCY_MS: '5',
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string } }[];
  links: { traceId: string; spanId: string }[];
}
interface OtlpTrace {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}
type Span = OtlpSpan & { service: string };

const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

function spansOf(t: OtlpTrace): Span[] {
  return t.resourceSpans.flatMap((rs) => {
    const service =
      rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
    return rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({ ...s, service })));
  });
}

const attribute = (s: OtlpSpan, key: string) =>
  s.attributes.find((a) => a.key === key)?.value.stringValue;

async function api<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${stack.urls.console}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

describe('the stack with the console as its OTLP endpoint', () => {
  it('shows an order as one trace across three topics, with analytics linked and the logs', async () => {
    const placed = await fetch(`${stack.urls.gateway}/api/orders`, {
      method: 'POST',
      headers: { authorization: 'Bearer user-token-123', 'content-type': 'application/json' },
      body: JSON.stringify({
        items: [{ productId: 'sku-lamp', quantity: 1 }],
        country: 'US',
        paymentSeed: 1,
      }),
    });
    expect(placed.status).toBe(202);
    const { orderId, traceId } = (await placed.json()) as { orderId: string; traceId: string };

    // One trace: the gateway's HTTP span, then send/process for every topic of the saga.
    const chain: [string, number, string][] = [
      ['gateway', PRODUCER, `send ${TOPICS.orders}`],
      ['inventory', CONSUMER, `process ${TOPICS.orders}`],
      ['inventory', PRODUCER, `send ${TOPICS.inventory}`],
      ['payment', CONSUMER, `process ${TOPICS.inventory}`],
      ['payment', PRODUCER, `send ${TOPICS.payments}`],
      ['gateway', CONSUMER, `process ${TOPICS.payments}`],
    ];
    let spans: Span[] = [];
    const find = (service: string, kind: number, name?: string) =>
      spans.find((s) => s.service === service && s.kind === kind && (!name || s.name === name));
    await waitFor(
      async () => {
        const r = await api<OtlpTrace>(`/api/traces/${traceId}`);
        spans = r.status === 200 ? spansOf(r.body) : [];
        return find('gateway', SERVER) && chain.every(([svc, kind, name]) => find(svc, kind, name));
      },
      {
        timeoutMs: 60_000,
        message: `trace ${traceId} in the console with the HTTP span and ${chain.map((c) => c[2]).join(', ')}; have ${spans.map((s) => `${s.service}:${s.name}`).join(', ')}`,
      },
    );
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const ancestors = (s: Span): Span[] => {
      const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
      return parent ? [parent, ...ancestors(parent)] : [];
    };
    for (const [service, kind, name] of chain.filter(([, kind]) => kind === CONSUMER)) {
      const consumer = find(service, kind, name)!;
      const producer = byId.get(consumer.parentSpanId!);
      expect(producer, `${service} ${name} has its producer as parent`).toBeDefined();
      expect([producer!.kind, producer!.name]).toEqual([PRODUCER, name.replace('process', 'send')]);
      expect(attribute(consumer, 'messaging.destination.partition.id')).toMatch(/^\d+$/);
    }
    // Every span of the saga descends from the gateway's HTTP server span.
    const root = find('gateway', SERVER)!;
    expect(root.parentSpanId).toBeUndefined();
    for (const [service, kind, name] of chain)
      expect(ancestors(find(service, kind, name)!).map((s) => s.spanId)).toContain(root.spanId);

    // Analytics consumes in batches: its process spans are in other traces, linked to the producers.
    const producers = chain
      .filter(([, kind]) => kind === PRODUCER)
      .map(([s, k, n]) => find(s, k, n)!);
    let linked: Span[] = [];
    await waitFor(
      async () => {
        linked = spansOf((await api<OtlpTrace>(`/api/traces/${traceId}/linked`)).body);
        return producers.every((p) =>
          linked.some((l) => l.links.some((k) => k.spanId === p.spanId)),
        );
      },
      { timeoutMs: 60_000, message: `analytics spans linking to each producer span of ${traceId}` },
    );
    for (const l of linked) {
      expect([l.service, l.kind]).toEqual(['analytics', CONSUMER]);
      expect(l.traceId).not.toBe(traceId);
      expect(l.links.some((k) => k.traceId === traceId)).toBe(true);
    }

    // The trace list finds it by order id, and its logs come back by trace id.
    const list = await api<{ traces: { traceId: string; services: string[]; topics: string[] }[] }>(
      `/api/traces?orderId=${orderId}`,
    );
    expect(list.body.traces.map((t) => t.traceId)).toEqual([traceId]);
    expect(list.body.traces[0]!.topics).toEqual(
      [TOPICS.inventory, TOPICS.orders, TOPICS.payments].sort(),
    );
    let logs: { service: string; traceId: string; body: string }[] = [];
    await waitFor(
      async () => {
        logs = (await api<{ logs: typeof logs }>(`/api/logs?traceId=${traceId}`)).body.logs;
        const services = new Set(logs.map((l) => l.service));
        return services.has('inventory') && services.has('payment');
      },
      {
        timeoutMs: 30_000,
        message: `logs of ${traceId} from inventory and payment; have ${JSON.stringify(logs)}`,
      },
    );
    expect(logs.every((l) => l.traceId === traceId)).toBe(true);
    expect(logs.map((l) => l.body)).toContain('stock reserved');
  });

  it('shows which instance owns which partitions, and the change when payment restarts', async () => {
    interface Change {
      event: 'joined' | 'left';
      instance: string | null;
      assignment: Record<string, number[]>;
      previous: Record<string, number[]>;
      state?: string;
    }
    interface Groups {
      groups: { groupId: string; members: { instance: string | null }[] }[];
    }
    const history = async () =>
      (await api<{ changes: Change[] }>('/api/kafka/groups/payment/history')).body.changes;
    const members = async () =>
      (await api<Groups>('/api/kafka/groups')).body.groups
        .find((g) => g.groupId === 'payment')
        ?.members.map((m) => m.instance) ?? [];
    const everyPartition = Array.from({ length: SAGA_PARTITIONS }, (_, p) => p);
    const latestJoin = async () => (await history()).find((c) => c.event === 'joined');
    let first: Change | undefined;
    await waitFor(async () => (first = await latestJoin()) !== undefined, {
      timeoutMs: 30_000,
      message: "payment's join in the console's ownership history",
    });
    expect(first!.instance).toBeTruthy();
    expect(first!.assignment[TOPICS.inventory]).toEqual(everyPartition);
    expect(await members()).toEqual([first!.instance]);

    await stack.stopService('payment');
    await stack.startService('payment');
    let changes: Change[] = [];
    await waitFor(
      async () => {
        changes = await history();
        return changes[0]?.event === 'joined' && changes[0].instance !== first!.instance;
      },
      {
        timeoutMs: 30_000,
        message: `a join by a new payment instance; have ${JSON.stringify(changes)}`,
      },
    );
    const [joined] = changes;
    // Newest first: the new instance owns every partition, the old one said what it gave up.
    expect(joined!.assignment[TOPICS.inventory]).toEqual(everyPartition);
    const left = changes.find((c) => c.event === 'left' && c.instance === first!.instance);
    expect(left?.state).toBe('stopped');
    expect(left?.previous[TOPICS.inventory]).toEqual(everyPartition);
    await waitFor(async () => (await members()).join() === joined!.instance, {
      timeoutMs: 15_000,
      message: `the payment group's only member labelled ${joined!.instance}`,
    });
    // The metrics follow the owner: the new instance reports the partitions and their lag.
    const series = async (name: string) =>
      (
        await api<{ series: { labels: Record<string, string> }[] }>(
          `/api/metrics/query?name=${name}&fn=last&by=service_instance_id&where=group:payment&from=-30s`,
        )
      ).body.series.map((x) => x.labels.service_instance_id);
    await waitFor(
      async () =>
        (await series('webstore_consumer_lag_messages')).includes(joined!.instance!) &&
        (await series('webstore_consumer_assigned_partitions')).includes(joined!.instance!),
      { timeoutMs: 30_000, message: `lag and owned partitions reported by ${joined!.instance}` },
    );
  });

  it('receives the services’ metrics under the names Prometheus shows', async () => {
    await waitFor(
      async () => {
        const { body } = await api<{ metrics: { name: string; services: string[] }[] }>(
          '/api/metrics',
        );
        const names = new Set(body.metrics.map((m) => m.name));
        return [
          'webstore_orders_placed_total',
          'webstore_service_heartbeat_total',
          'webstore_consumer_messages_total',
        ].every((n) => names.has(n));
      },
      { timeoutMs: 30_000, message: 'the services’ metrics in the console' },
    );
  });
});
