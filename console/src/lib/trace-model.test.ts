// The waterfall's model: lanes per service, Kafka hops with their queue time (as a child span or
// through a link), and where the time went.
import { describe, expect, it } from 'vitest';
import type { OtlpTrace } from './api.js';
import { spansOf } from './otlp.js';
import { buildModel, coveredMs, timeSummary } from './trace-model.js';

const T = 'ab'.repeat(16);
const ms = (n: number) => String(1_764_000_000_000_000_000n + BigInt(n * 1_000_000));
const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
const span = (id: string, name: string, kind: number, from: number, to: number, extra = {}) => ({
  traceId: T,
  spanId: id.padStart(16, '0'),
  name,
  kind,
  startTimeUnixNano: ms(from),
  endTimeUnixNano: ms(to),
  ...extra,
});
const resource = (service: string, spans: object[]) => ({
  resource: { attributes: [str('service.name', service)] },
  scopeSpans: [{ spans }],
});

const trace = {
  resourceSpans: [
    resource('gateway', [
      span('1', 'POST /api/orders', 2, 0, 10),
      span('2', 'send webstore.orders.v1', 4, 2, 6, { parentSpanId: '1'.padStart(16, '0') }),
    ]),
    resource('inventory', [
      span('3', 'process webstore.orders.v1', 5, 9, 15, {
        parentSpanId: '2'.padStart(16, '0'),
        attributes: [
          str('messaging.destination.name', 'webstore.orders.v1'),
          str('messaging.destination.partition.id', '2'),
          str('messaging.kafka.offset', '41'),
          str('messaging.consumer.group.name', 'inventory'),
        ],
      }),
      span('4', 'reserve', 1, 10, 14, {
        parentSpanId: '3'.padStart(16, '0'),
        status: { code: 2, message: 'no stock' },
      }),
    ]),
    resource('analytics', [
      span('5', 'process webstore.orders.v1', 5, 20, 21, {
        links: [{ traceId: T, spanId: '2'.padStart(16, '0') }],
      }),
    ]),
  ],
} as unknown as OtlpTrace;

describe('buildModel', () => {
  const model = buildModel(spansOf(trace));

  it('lays out a lane per service, in order of first start, with depth inside the lane', () => {
    expect(model.services).toEqual(['gateway', 'inventory', 'analytics']);
    expect(
      model.rows.map((r) => (r.type === 'lane' ? r.service : `${r.depth}:${r.span.name}`)),
    ).toEqual([
      'gateway',
      '0:POST /api/orders',
      '1:send webstore.orders.v1',
      'inventory',
      '0:process webstore.orders.v1',
      '1:reserve',
      'analytics',
      '0:process webstore.orders.v1',
    ]);
    expect(model.durationMs).toBe(21);
  });

  it('finds Kafka hops by parent or by link, with topic, partition, offset, group, queue time', () => {
    const [child, link] = model.hops;
    expect(child).toMatchObject({
      via: 'child',
      topic: 'webstore.orders.v1',
      partition: '2',
      offset: '41',
      group: 'inventory',
      queueMs: 3,
    });
    expect(link).toMatchObject({ via: 'link', topic: 'webstore.orders.v1', queueMs: 14 });
  });

  it('sums where the time went per service and per topic', () => {
    const summary = timeSummary(model);
    expect(summary.services.find((s) => s.service === 'inventory')).toEqual({
      service: 'inventory',
      busyMs: 6,
      spans: 2,
      errors: 1,
    });
    expect(summary.topics).toEqual([
      {
        topic: 'webstore.orders.v1',
        hops: 2,
        sendMs: 8,
        queueMs: 17,
        maxQueueMs: 14,
        processMs: 7,
      },
    ]);
    expect(summary.queueMs).toBe(14);
  });

  it('measures the union of overlapping intervals once', () => {
    expect(
      coveredMs([
        [0, 5],
        [3, 8],
        [10, 12],
      ]),
    ).toBe(10);
    expect(coveredMs([])).toBe(0);
  });
});
