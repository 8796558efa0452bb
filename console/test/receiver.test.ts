// The OTLP receiver against the real SDK exporters: gRPC, HTTP protobuf and HTTP JSON, plain and
// gzip, for traces (links included), logs and metrics.
import { context, SpanKind, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as HttpLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as HttpMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@webstore/testkit';
import { allSpans, order, storedTraceIn, type OtlpTrace } from './traces-fixture.js';
import {
  closeTestConsoles,
  sendLogs,
  sendSpans,
  startTestConsole,
  testResource,
  type TestConsole,
} from './helpers.js';

let c: TestConsole;
beforeAll(async () => {
  c = await startTestConsole({ CONSOLE_OTLP_MAX_BODY_BYTES: '262144' });
});
afterAll(closeTestConsoles);

const storedTrace = (traceId: string, spans: number) => storedTraceIn(c, traceId, spans);

describe('OTLP traces from the real exporters', () => {
  const gzip = { compression: CompressionAlgorithm.GZIP };
  it.each([
    ['gRPC', (): SpanExporter => new GrpcTraceExporter({ url: c.otlpGrpcEndpoint })],
    ['gRPC gzip', (): SpanExporter => new GrpcTraceExporter({ url: c.otlpGrpcEndpoint, ...gzip })],
    [
      'HTTP protobuf',
      (): SpanExporter => new ProtoTraceExporter({ url: `${c.otlpHttpEndpoint}/v1/traces` }),
    ],
    [
      'HTTP protobuf gzip',
      (): SpanExporter =>
        new ProtoTraceExporter({ url: `${c.otlpHttpEndpoint}/v1/traces`, ...gzip }),
    ],
    [
      'HTTP JSON',
      (): SpanExporter => new HttpTraceExporter({ url: `${c.otlpHttpEndpoint}/v1/traces` }),
    ],
    [
      'HTTP JSON gzip',
      (): SpanExporter =>
        new HttpTraceExporter({ url: `${c.otlpHttpEndpoint}/v1/traces`, ...gzip }),
    ],
  ])('stores spans sent over %s and serves them as OTLP/JSON', async (transport, exporter) => {
    let traceId = '';
    await sendSpans(
      exporter(),
      (tracer) => (traceId = order(tracer, transport.replace(/\W/g, '-'))),
    );
    const stored = await storedTrace(traceId, 2);
    expect(stored.resourceSpans).toHaveLength(1);
    expect(stored.resourceSpans[0]!.resource.attributes).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'console-test' },
    });
    expect(stored.resourceSpans[0]!.scopeSpans[0]!.scope).toEqual({
      name: 'console-test-scope',
      version: '1.0.0',
    });
    const spans = stored.resourceSpans[0]!.scopeSpans[0]!.spans;
    const parent = spans.find((span) => span.kind === 2);
    const child = spans.find((span) => span.kind === 4);
    expect(parent).toMatchObject({ traceId, kind: 2, status: { code: 0 } });
    expect(parent!.parentSpanId).toBeUndefined();
    expect(parent!.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(parent!.startTimeUnixNano).toMatch(/^1\d{18}$/);
    expect(child).toMatchObject({
      traceId,
      parentSpanId: parent!.spanId,
      name: 'send webstore.orders.v1',
      kind: 4,
      status: { code: 2, message: 'broker down' },
      events: [{ name: 'queued', attributes: [{ key: 'depth', value: { doubleValue: 1.5 } }] }],
      links: [],
    });
    expect(child!.attributes).toEqual(
      expect.arrayContaining([
        { key: 'retry.count', value: { intValue: '2' } },
        { key: 'ratio', value: { doubleValue: 0.5 } },
        { key: 'ok', value: { boolValue: true } },
        {
          key: 'tags',
          value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } },
        },
      ]),
    );
    expect(BigInt(child!.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(child!.startTimeUnixNano));
  });

  it('keeps links and answers /linked with the spans linking into a trace', async () => {
    let producer = { traceId: '', spanId: '' };
    let consumerTrace = '';
    await sendSpans(new GrpcTraceExporter({ url: c.otlpGrpcEndpoint }), (tracer) => {
      const send = tracer.startSpan('send webstore.payments.v1', { kind: SpanKind.PRODUCER });
      send.end();
      producer = send.spanContext();
      const poll = tracer.startSpan('poll webstore.payments.v1', { kind: SpanKind.CLIENT });
      consumerTrace = poll.spanContext().traceId;
      tracer
        .startSpan(
          'process webstore.payments.v1',
          {
            kind: SpanKind.CONSUMER,
            links: [{ context: send.spanContext(), attributes: { why: 'batch' } }],
          },
          trace.setSpan(context.active(), poll),
        )
        .end();
      poll.end();
    });
    const consumer = allSpans(await storedTrace(consumerTrace, 2)).find((s) => s.kind === 5)!;
    expect(consumer.links).toMatchObject([
      {
        traceId: producer.traceId,
        spanId: producer.spanId,
        attributes: [{ key: 'why', value: { stringValue: 'batch' } }],
      },
    ]);
    const linked = await c.get<OtlpTrace>(`/api/traces/${producer.traceId}/linked`);
    expect(allSpans(linked.body).map((s) => s.spanId)).toEqual([consumer.spanId]);
  });
});

describe('OTLP logs and metrics from the real exporters', () => {
  it.each([
    ['gRPC', () => new GrpcLogExporter({ url: c.otlpGrpcEndpoint })],
    ['HTTP JSON', () => new HttpLogExporter({ url: `${c.otlpHttpEndpoint}/v1/logs` })],
  ])('stores log records sent over %s with their trace context', async (transport, exporter) => {
    const span = new (await import('@opentelemetry/sdk-trace-base')).BasicTracerProvider()
      .getTracer('t')
      .startSpan('work');
    await sendLogs(exporter(), (provider) =>
      provider.getLogger('bunyan').emit({
        body: `order received over ${transport}`,
        severityText: 'info',
        severityNumber: SeverityNumber.INFO,
        attributes: { orderId: 'o-1', quantity: 3 },
        context: trace.setSpan(context.active(), span),
      }),
    );
    const { traceId, spanId } = span.spanContext();
    const logs = await waitFor(
      async () => {
        const r = await c.get<{ logs: Record<string, unknown>[] }>(`/api/logs?traceId=${traceId}`);
        return r.body.logs.length ? r.body.logs : undefined;
      },
      { timeoutMs: 15_000, message: `a log record of trace ${traceId}` },
    );
    expect(logs[0]).toMatchObject({
      body: `order received over ${transport}`,
      severityText: 'info',
      severityNumber: 9,
      service: 'console-test',
      traceId,
      spanId,
      attributes: { orderId: 'o-1', quantity: 3 },
      scope: { name: 'bunyan' },
    });
  });

  it.each([
    ['gRPC', (): PushMetricExporter => new GrpcMetricExporter({ url: c.otlpGrpcEndpoint })],
    [
      'HTTP JSON',
      (): PushMetricExporter => new HttpMetricExporter({ url: `${c.otlpHttpEndpoint}/v1/metrics` }),
    ],
  ])(
    'stores metrics sent over %s: counters, gauges and histograms',
    async (transport, exporter) => {
      const suffix = transport === 'gRPC' ? 'grpc' : 'http';
      const provider = new MeterProvider({
        resource: testResource(`metrics-${suffix}`),
        readers: [
          new PeriodicExportingMetricReader({ exporter: exporter(), exportIntervalMillis: 60_000 }),
        ],
      });
      const meter = provider.getMeter('catalog');
      meter.createCounter(`test_orders_${suffix}`).add(2, { country: 'DE' });
      meter.createGauge(`test_stock_${suffix}`).record(7, { product: 'p-1' });
      meter
        .createHistogram(`test_latency_${suffix}_seconds`, {
          advice: { explicitBucketBoundaries: [0.1, 1] },
        })
        .record(0.5);
      await provider.forceFlush();
      await provider.shutdown();
      const metrics = await waitFor(
        async () => {
          const r = await c.get<{
            metrics: { name: string; type: string; labels: string[]; prometheusNames: string[] }[];
          }>('/api/metrics');
          const mine = r.body.metrics.filter((m) => m.name.includes(`_${suffix}`));
          return mine.length === 3 ? mine : undefined;
        },
        { timeoutMs: 15_000, message: `three ${transport} metrics listed` },
      );
      expect(metrics.map((m) => [m.name, m.type])).toEqual([
        [`test_latency_${suffix}_seconds`, 'histogram'],
        [`test_orders_${suffix}_total`, 'counter'],
        [`test_stock_${suffix}`, 'gauge'],
      ]);
      expect(metrics[0]!.prometheusNames).toEqual([
        `test_latency_${suffix}_seconds_bucket`,
        `test_latency_${suffix}_seconds_sum`,
        `test_latency_${suffix}_seconds_count`,
      ]);
      expect(metrics[1]!.labels).toEqual(['country', 'service']);
    },
  );
});
