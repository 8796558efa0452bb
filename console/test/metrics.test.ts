// Metric queries over what the real metrics exporter sends: counters across a process restart,
// histogram quantiles, gauges, label filters and grouping, and the errors a bad query gets.
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@webstore/testkit';
import { closeTestConsoles, startTestConsole, testResource, type TestConsole } from './helpers.js';

let c: TestConsole;
let from: number;

interface QueryResult {
  fn: string;
  series: { labels: Record<string, string>; points: [number, number | null][] }[];
}

/** One process lifetime of a service: record, export once, shut down. */
async function run(
  instance: string,
  record: (meter: ReturnType<MeterProvider['getMeter']>) => void,
) {
  const provider = new MeterProvider({
    resource: testResource('payment', { 'service.instance.id': instance }),
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: c.otlpGrpcEndpoint }),
        exportIntervalMillis: 60_000,
      }),
    ],
  });
  record(provider.getMeter('webstore'));
  await provider.forceFlush();
  await provider.shutdown();
}

beforeAll(async () => {
  c = await startTestConsole();
  from = Date.now() - 1000;
  // The same process restarted (same instance id, a new start time): the counter starts over.
  await run('payment-1', (meter) => {
    const payments = meter.createCounter('webstore_payments');
    payments.add(5, { country: 'BR', outcome: 'declined' });
    payments.add(3, { country: 'US', outcome: 'authorized' });
    const latency = meter.createHistogram('webstore_payment_processing_duration_seconds', {
      advice: { explicitBucketBoundaries: [0.05, 0.5, 1, 5] },
    });
    for (const v of [0.02, 0.2, 0.7, 3]) latency.record(v, { country: 'BR' });
    meter.createGauge('webstore_consumer_lag_messages').record(4, { partition: '0' });
    meter.createGauge('webstore_consumer_lag_messages').record(6, { partition: '1' });
  });
  await run('payment-1', (meter) => {
    meter.createCounter('webstore_payments').add(2, { country: 'BR', outcome: 'declined' });
  });
  await waitFor(() => (c.db.prepare('SELECT count(*) FROM points').pluck().get() as number) >= 7, {
    message: 'both runs stored',
  });
});
afterAll(closeTestConsoles);

async function query(params: string): Promise<QueryResult> {
  const to = Date.now() + 1000;
  const r = await c.get<QueryResult>(
    `/api/metrics/query?from=${from}&to=${to}&step=${to - from}&${params}`,
  );
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

const values = (r: QueryResult) =>
  Object.fromEntries(
    r.series.map((s) => [Object.values(s.labels).join('/') || 'all', s.points.at(-1)![1]]),
  );

describe('metric queries', () => {
  it('adds up a counter across a process restart', async () => {
    expect(values(await query('name=webstore_payments_total&fn=increase&by=country'))).toEqual({
      BR: 7,
      US: 3,
    });
    expect(values(await query('name=webstore_payments_total&fn=increase'))).toEqual({ all: 10 });
  });

  it('filters by label, with alternatives and negation', async () => {
    expect(
      values(await query('name=webstore_payments_total&fn=increase&where=country:BR')),
    ).toEqual({ all: 7 });
    expect(
      values(await query('name=webstore_payments_total&fn=increase&where=country:!BR')),
    ).toEqual({ all: 3 });
    expect(
      values(
        await query(
          'name=webstore_payments_total&fn=increase&where=country:BR|US,outcome:authorized',
        ),
      ),
    ).toEqual({ all: 3 });
    expect(values(await query('name=webstore_payments_total&fn=increase&by=service'))).toEqual({
      payment: 10,
    });
  });

  it('gives rates per second over each step', async () => {
    const r = await query('name=webstore_payments_total&fn=rate');
    const to = r.series[0]!.points[0]![0];
    expect(r.series[0]!.points[0]![1]).toBeCloseTo(10 / ((to - from) / 1000), 6);
  });

  it('computes quantiles from histogram buckets, as histogram_quantile does', async () => {
    // Four observations, one per bucket: p50 ends the second bucket, p99 is 96 % into (1, 5].
    expect(values(await query('name=webstore_payment_processing_duration_seconds&fn=p50'))).toEqual(
      { all: 0.5 },
    );
    expect(
      values(await query('name=webstore_payment_processing_duration_seconds_bucket&fn=p99')).all,
    ).toBeCloseTo(4.84);
    expect(
      values(await query('name=webstore_payment_processing_duration_seconds_count&fn=increase')),
    ).toEqual({ all: 4 });
    expect(
      values(await query('name=webstore_payment_processing_duration_seconds_sum&fn=increase')).all,
    ).toBeCloseTo(3.92);
    expect(
      values(await query('name=webstore_payment_processing_duration_seconds&fn=avg')).all,
    ).toBeCloseTo(0.98);
  });

  it('sums the last values of gauges', async () => {
    expect(values(await query('name=webstore_consumer_lag_messages&fn=last'))).toEqual({ all: 10 });
    expect(values(await query('name=webstore_consumer_lag_messages&by=partition'))).toEqual({
      '0': 4,
      '1': 6,
    });
  });

  it('returns one point per step, null where there is no data', async () => {
    const to = Date.now() + 1000;
    const r = await c.get<QueryResult>(
      `/api/metrics/query?name=webstore_payments_total&fn=increase&from=${from - 60_000}&to=${to}&step=30s`,
    );
    const points = r.body.series[0]!.points;
    expect(points.length).toBe(Math.ceil((to - from + 60_000) / 30_000));
    expect(points[0]![1]).toBeNull();
    expect(points.reduce((n, [, v]) => n + (v ?? 0), 0)).toBe(10);
  });

  it('answers a bad query with a problem naming the parameter', async () => {
    const cases: [string, string][] = [
      ['', 'name'],
      ['name=nope_total', 'name'],
      ['name=webstore_payments_total&fn=median', 'fn'],
      ['name=webstore_consumer_lag_messages&fn=rate', 'fn'],
      ['name=webstore_payments_total&fn=p95', 'fn'],
      ['name=webstore_payments_total&from=yesterday', 'from'],
      ['name=webstore_payments_total&step=1ms&from=0', 'step'],
      ['name=webstore_payments_total&where=country', 'where'],
    ];
    for (const [params, field] of cases) {
      const r = await c.get<{ field: string; status: number }>(`/api/metrics/query?${params}`);
      expect([params, r.status, r.type, r.body.field]).toEqual([
        params,
        400,
        'application/problem+json',
        field,
      ]);
    }
  });
});
