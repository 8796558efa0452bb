import { gzipSync } from 'node:zlib';
import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as HttpLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as HttpMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  LoggerProvider,
  SimpleLogRecordProcessor,
  type LogRecordExporter,
} from '@opentelemetry/sdk-logs';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver.js';
import { waitFor } from './wait-for.js';

// Real SDK exporters in this process (no auto-instrumentation needed), so the receiver is tested
// against the exact bytes the services send.
let rx: OtlpReceiver;
beforeAll(async () => {
  rx = await startOtlpReceiver();
});
afterAll(async () => {
  await rx.close();
});
beforeEach(() => rx.clear());

const resource = resourceFromAttributes({
  'service.name': 'receiver-test',
  'deployment.environment': 'test',
});

async function sendSpans(exporter: SpanExporter, emit: (tracer: Tracer) => void): Promise<void> {
  const provider = new BasicTracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  emit(provider.getTracer('receiver-test-scope', '1.2.3'));
  await provider.forceFlush();
  await provider.shutdown();
}

function parentAndChild(tracer: Tracer): void {
  const parent = tracer.startSpan('POST /api/orders', {
    kind: SpanKind.SERVER,
    attributes: { 'http.response.status_code': 202 },
  });
  // No context manager is registered in this process, so the parent is passed explicitly.
  const child = tracer.startSpan(
    'send orders',
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.destination.name': 'webstore.orders.v1',
        'retry.count': 2,
        tags: ['a', 'b'],
      },
    },
    trace.setSpan(context.active(), parent),
  );
  child.addEvent('queued', { depth: 1.5 });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'broker down' });
  child.end();
  parent.end();
}

describe('startOtlpReceiver', () => {
  it.each([
    ['gRPC', () => new GrpcTraceExporter({ url: rx.grpcEndpoint }), 'traces/grpc'],
    [
      'HTTP protobuf',
      () => new ProtoTraceExporter({ url: `${rx.httpEndpoint}/v1/traces` }),
      'traces/http',
    ],
    [
      'HTTP JSON',
      () => new HttpTraceExporter({ url: `${rx.httpEndpoint}/v1/traces` }),
      'traces/http',
    ],
  ] as const)('flattens spans sent over %s', async (_name, exporter, counter) => {
    await sendSpans(exporter(), parentAndChild);
    const spans = await waitFor(() => (rx.spans().length === 2 ? rx.spans() : undefined), {
      message: 'two spans',
    });
    expect(rx.requestCounts()[counter]).toBeGreaterThan(0);
    const parent = spans.find((s) => s.kind === 'SERVER');
    const child = spans.find((s) => s.kind === 'PRODUCER');
    expect(parent).toMatchObject({
      name: 'POST /api/orders',
      serviceName: 'receiver-test',
      scope: { name: 'receiver-test-scope', version: '1.2.3' },
      attributes: { 'http.response.status_code': 202 },
      status: { code: 'UNSET' },
    });
    expect(parent?.parentSpanId).toBeUndefined();
    expect(parent?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(parent?.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(child).toMatchObject({
      name: 'send orders',
      traceId: parent?.traceId,
      parentSpanId: parent?.spanId,
      resource: { 'deployment.environment': 'test' },
      attributes: {
        'messaging.destination.name': 'webstore.orders.v1',
        'retry.count': 2,
        tags: ['a', 'b'],
      },
      status: { code: 'ERROR', message: 'broker down' },
      events: [{ name: 'queued', attributes: { depth: 1.5 } }],
    });
    expect(child!.endTimeUnixNano).toBeGreaterThanOrEqual(child!.startTimeUnixNano);
    expect(child!.startTimeUnixNano).toBeGreaterThan(1_600_000_000_000_000_000n);
  });

  it('keeps span links', async () => {
    await sendSpans(new GrpcTraceExporter({ url: rx.grpcEndpoint }), (tracer) => {
      const producer = tracer.startSpan('send orders');
      producer.end();
      tracer
        .startSpan('process orders', {
          links: [{ context: producer.spanContext(), attributes: { why: 'batch' } }],
        })
        .end();
    });
    const spans = await waitFor(() => (rx.spans().length === 2 ? rx.spans() : undefined));
    const producer = spans.find((s) => s.name === 'send orders');
    expect(spans.find((s) => s.name === 'process orders')?.links).toEqual([
      { traceId: producer?.traceId, spanId: producer?.spanId, attributes: { why: 'batch' } },
    ]);
  });

  it.each([
    ['gRPC', (): LogRecordExporter => new GrpcLogExporter({ url: rx.grpcEndpoint })],
    [
      'HTTP JSON',
      (): LogRecordExporter => new HttpLogExporter({ url: `${rx.httpEndpoint}/v1/logs` }),
    ],
  ])(
    'flattens log records sent over %s, with the active trace context',
    async (_name, exporter) => {
      const tracerProvider = new BasicTracerProvider();
      const span = tracerProvider.getTracer('t').startSpan('work');
      const provider = new LoggerProvider({
        resource,
        processors: [new SimpleLogRecordProcessor({ exporter: exporter() })],
      });
      provider.getLogger('bunyan-ish').emit({
        body: 'order received',
        severityText: 'info',
        severityNumber: SeverityNumber.INFO,
        attributes: { orderId: 'o-1', quantity: 3 },
        context: trace.setSpan(context.active(), span),
      });
      await provider.forceFlush();
      await provider.shutdown();
      const [log] = await waitFor(() => (rx.logRecords().length ? rx.logRecords() : undefined));
      expect(log).toMatchObject({
        body: 'order received',
        severityText: 'info',
        severityNumber: SeverityNumber.INFO,
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        attributes: { orderId: 'o-1', quantity: 3 },
        serviceName: 'receiver-test',
      });
    },
  );

  it.each([
    ['gRPC', (): PushMetricExporter => new GrpcMetricExporter({ url: rx.grpcEndpoint })],
    [
      'HTTP JSON',
      (): PushMetricExporter => new HttpMetricExporter({ url: `${rx.httpEndpoint}/v1/metrics` }),
    ],
  ])('flattens metrics sent over %s', async (_name, exporter) => {
    const reader = new PeriodicExportingMetricReader({
      exporter: exporter(),
      exportIntervalMillis: 60_000,
    });
    const provider = new MeterProvider({ resource, readers: [reader] });
    const meter = provider.getMeter('catalog');
    meter.createCounter('webstore_orders_placed').add(2, { country: 'DE' });
    meter.createUpDownCounter('webstore_in_flight').add(-1);
    meter.createGauge('webstore_stock_available').record(7, { product: 'p-1' });
    meter
      .createHistogram('webstore_order_e2e_duration_seconds', {
        advice: { explicitBucketBoundaries: [0.1, 1] },
      })
      .record(0.5, { status: 'completed' });
    await reader.forceFlush();
    await provider.shutdown();
    await waitFor(() => rx.metricNames().length === 4, { message: 'four metrics' });
    expect(rx.metricNames()).toEqual([
      'webstore_in_flight',
      'webstore_order_e2e_duration_seconds',
      'webstore_orders_placed',
      'webstore_stock_available',
    ]);
    const byName = new Map(rx.metrics().map((m) => [m.name, m]));
    expect(byName.get('webstore_orders_placed')).toMatchObject({
      type: 'sum',
      monotonic: true,
      serviceName: 'receiver-test',
      dataPoints: [{ attributes: { country: 'DE' }, value: 2 }],
    });
    expect(byName.get('webstore_in_flight')).toMatchObject({
      type: 'sum',
      monotonic: false,
      dataPoints: [{ value: -1 }],
    });
    expect(byName.get('webstore_stock_available')).toMatchObject({
      type: 'gauge',
      dataPoints: [{ value: 7 }],
    });
    expect(byName.get('webstore_order_e2e_duration_seconds')).toMatchObject({
      type: 'histogram',
      dataPoints: [{ count: 1, sum: 0.5, explicitBounds: [0.1, 1], bucketCounts: [0, 1, 0] }],
    });
  });

  it('accepts gzip-compressed OTLP/JSON', async () => {
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'curl' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b174',
                  name: 'hand-made',
                  kind: 'SPAN_KIND_CLIENT',
                  startTimeUnixNano: '1700000000000000000',
                  endTimeUnixNano: '1700000000500000000',
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await fetch(`${rx.httpEndpoint}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(body)),
    });
    expect(response.status).toBe(200);
    expect(rx.spans()).toEqual([
      expect.objectContaining({
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: 'eee19b7ec3c1b174',
        name: 'hand-made',
        kind: 'CLIENT',
        serviceName: 'curl',
        startTimeUnixNano: 1_700_000_000_000_000_000n,
        endTimeUnixNano: 1_700_000_000_500_000_000n,
      }),
    ]);
  });

  it('answers 400 to a malformed body and 404 to other paths, and keeps working', async () => {
    const bad = await fetch(`${rx.httpEndpoint}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/bad OTLP traces request/);
    expect((await fetch(`${rx.httpEndpoint}/v1/profiles`, { method: 'POST' })).status).toBe(404);
    await sendSpans(new GrpcTraceExporter({ url: rx.grpcEndpoint }), (tracer) =>
      tracer.startSpan('after').end(),
    );
    await waitFor(() => rx.spans().some((s) => s.name === 'after'));
  });
});
