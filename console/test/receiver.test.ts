// The OTLP receiver against the real SDK exporters (gRPC, HTTP protobuf, HTTP JSON, plain and
// gzip), then against everything an exporter should never send: each bad request gets the OTLP
// error answer, the receiver keeps serving, and nothing already stored is lost.
import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
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
import { decodeStatus, SIGNALS } from '../server/otlp/proto.js';
import {
  closeTestConsoles,
  postOtlp,
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

interface OtlpTrace {
  resourceSpans: {
    resource: { attributes: { key: string; value: Record<string, unknown> }[] };
    scopeSpans: {
      scope: { name: string; version?: string };
      spans: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        startTimeUnixNano: string;
        endTimeUnixNano: string;
        attributes: { key: string; value: Record<string, unknown> }[];
        events: { name: string; timeUnixNano: string; attributes: unknown[] }[];
        links: { traceId: string; spanId: string; attributes: unknown[] }[];
        status: { code: number; message?: string };
      }[];
    }[];
  }[];
}

const allSpans = (t: OtlpTrace) =>
  t.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));

/** A server span with a producer child (attributes of every kind, an event, an error status). */
function order(tracer: Tracer, name: string): string {
  const parent = tracer.startSpan(`POST ${name}`, {
    kind: SpanKind.SERVER,
    attributes: { 'http.response.status_code': 202 },
  });
  const child = tracer.startSpan(
    'send webstore.orders.v1',
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.destination.name': 'webstore.orders.v1',
        'order.id': `ord-${name}`,
        'retry.count': 2,
        ratio: 0.5,
        ok: true,
        tags: ['a', 'b'],
      },
    },
    trace.setSpan(context.active(), parent),
  );
  child.addEvent('queued', { depth: 1.5 });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'broker down' });
  child.end();
  parent.end();
  return parent.spanContext().traceId;
}

async function storedTrace(traceId: string, spans: number): Promise<OtlpTrace> {
  return waitFor(
    async () => {
      const r = await c.get<OtlpTrace>(`/api/traces/${traceId}`);
      return r.status === 200 && allSpans(r.body).length === spans ? r.body : undefined;
    },
    { timeoutMs: 15_000, message: `trace ${traceId} with ${spans} spans in the console` },
  );
}

const spanTotal = () => c.db.prepare('SELECT count(*) FROM spans').pluck().get() as number;

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

/** A raw unary call to the gRPC receiver with the given bytes. */
function grpcCall(path: string, body: Buffer): Promise<grpc.ServiceError | Buffer> {
  const client = new grpc.Client(
    c.otlpGrpcEndpoint.replace('http://', ''),
    grpc.credentials.createInsecure(),
  );
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      (err, value) => {
        client.close();
        resolve(err ?? value!);
      },
    );
  });
}

const traceJson = (spans: object[], extra: object = {}) =>
  JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'json-test' } }] },
        scopeSpans: [{ scope: { name: 's' }, spans }],
      },
    ],
    ...extra,
  });
const jsonSpan = (traceId: string, spanId: string, extra: object = {}) => ({
  traceId,
  spanId,
  name: 'hand-made',
  kind: 1,
  startTimeUnixNano: '1700000000000000000',
  endTimeUnixNano: '1700000000001000000',
  ...extra,
});
const statusOf = async (r: Response) => (await r.json()) as { code: number; message: string };
const JSON_TYPE = { 'content-type': 'application/json' };
const PROTO_TYPE = { 'content-type': 'application/x-protobuf' };

describe('bad OTLP input', () => {
  it('answers every bad request with the OTLP error, keeps serving and loses nothing', async () => {
    await sendSpans(
      new GrpcTraceExporter({ url: c.otlpGrpcEndpoint }),
      (tracer) => void order(tracer, 'before-bad-input'),
    );
    await waitFor(() => spanTotal() > 0, { message: 'spans stored before the bad input' });
    const before = spanTotal();

    const garbage = Buffer.from('\xff\xfe this is not protobuf at all \x00\x01\x02', 'latin1');
    let r = await postOtlp(c, 'traces', garbage, PROTO_TYPE);
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toBe('application/x-protobuf');
    expect(decodeStatus(new Uint8Array(await r.arrayBuffer()))).toMatchObject({
      code: 3,
      message: expect.stringMatching(/not an OTLP traces protobuf request/),
    });

    r = await postOtlp(c, 'logs', '{"resourceLogs": [', JSON_TYPE);
    expect([r.status, (await statusOf(r)).code]).toEqual([400, 3]);
    r = await postOtlp(c, 'traces', '[1, 2, 3]', JSON_TYPE);
    expect(r.status).toBe(400);
    expect((await statusOf(r)).message).toMatch(/not an export request/);
    r = await postOtlp(c, 'metrics', '{"resourceMetrics": "nope"}', JSON_TYPE);
    expect(r.status).toBe(400);

    r = await postOtlp(c, 'traces', traceJson([]), { 'content-type': 'text/plain' });
    expect(r.status).toBe(415);
    expect((await statusOf(r)).message).toMatch(
      /Content-Type must be application\/x-protobuf or application\/json/,
    );
    r = await postOtlp(c, 'traces', traceJson([]), { ...JSON_TYPE, 'content-encoding': 'br' });
    expect(r.status).toBe(415);

    r = await postOtlp(c, 'traces', Buffer.alloc(300_000, 1), PROTO_TYPE);
    expect(r.status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(5_000_000, 0x20));
    expect(bomb.length).toBeLessThan(262_144);
    r = await postOtlp(c, 'traces', bomb, { ...JSON_TYPE, 'content-encoding': 'gzip' });
    expect(r.status).toBe(413);
    r = await postOtlp(c, 'traces', Buffer.from('not gzip'), {
      ...JSON_TYPE,
      'content-encoding': 'gzip',
    });
    expect(r.status).toBe(400);

    expect((await fetch(`${c.otlpHttpEndpoint}/v1/traces`)).status).toBe(405);
    expect((await fetch(`${c.otlpHttpEndpoint}/v2/spans`, { method: 'POST' })).status).toBe(404);

    const grpcGarbage = await grpcCall(`/${SIGNALS.traces.service}/Export`, garbage);
    expect((grpcGarbage as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
    const grpcHuge = await grpcCall(`/${SIGNALS.logs.service}/Export`, Buffer.alloc(300_000, 1));
    expect((grpcHuge as grpc.ServiceError).code).toBe(grpc.status.RESOURCE_EXHAUSTED);

    expect(spanTotal()).toBe(before);
    let traceId = '';
    await sendSpans(
      new ProtoTraceExporter({ url: `${c.otlpHttpEndpoint}/v1/traces` }),
      (tracer) => (traceId = order(tracer, 'after-bad-input')),
    );
    await storedTrace(traceId, 2);
    expect(spanTotal()).toBe(before + 2);
  });

  it('ignores unknown fields, in JSON and in protobuf', async () => {
    const traceId = '5b8aa5a2d2c872e8321cf37308d69df2';
    const r = await postOtlp(
      c,
      'traces',
      traceJson([jsonSpan(traceId, '051581bf3cb55c13', { futureField: { nested: 1 } })], {
        extension: true,
      }),
      JSON_TYPE,
    );
    expect(r.status).toBe(200);
    expect(await statusOf(r)).toEqual({});
    await storedTrace(traceId, 1);

    const protoTrace = '6b8aa5a2d2c872e8321cf37308d69df2';
    const request = SIGNALS.traces.request
      .encode(
        SIGNALS.traces.request.fromObject({
          resourceSpans: [
            {
              scopeSpans: [
                {
                  spans: [
                    {
                      traceId: Buffer.from(protoTrace, 'hex'),
                      spanId: Buffer.from('151581bf3cb55c13', 'hex'),
                      name: 'proto',
                      startTimeUnixNano: 1,
                      endTimeUnixNano: 2,
                    },
                  ],
                },
              ],
            },
          ],
        }),
      )
      .finish();
    // Field 99, wire type 2 (length-delimited), 3 bytes: unknown to every OTLP version.
    const withUnknown = Buffer.concat([
      Buffer.from(request),
      Buffer.from([0x9a, 0x06, 0x03, 0x61, 0x62, 0x63]),
    ]);
    expect((await postOtlp(c, 'traces', withUnknown, PROTO_TYPE)).status).toBe(200);
    await storedTrace(protoTrace, 1);
  });

  it('accepts what it can and reports the rest as a partial success', async () => {
    const traceId = '7b8aa5a2d2c872e8321cf37308d69df2';
    const r = await postOtlp(
      c,
      'traces',
      traceJson([
        jsonSpan(traceId, '251581bf3cb55c13'),
        jsonSpan('abc', '351581bf3cb55c13'),
        jsonSpan(traceId, '451581bf3cb55c13', { kind: 'SPAN_KIND_BOGUS' }),
      ]),
      JSON_TYPE,
    );
    expect(r.status).toBe(200);
    expect(await statusOf(r)).toEqual({
      partialSuccess: {
        rejectedSpans: '2',
        errorMessage: expect.stringMatching(/traceId must be 16 bytes/),
      },
    });
    await storedTrace(traceId, 1);

    const proto = await postOtlp(
      c,
      'traces',
      SIGNALS.traces.request
        .encode(
          SIGNALS.traces.request.fromObject({
            resourceSpans: [
              {
                scopeSpans: [
                  {
                    spans: [
                      { traceId: Buffer.alloc(3, 1), spanId: Buffer.alloc(8, 1), name: 'short id' },
                    ],
                  },
                ],
              },
            ],
          }),
        )
        .finish(),
      PROTO_TYPE,
    );
    expect(proto.status).toBe(200);
    const response = SIGNALS.traces.response.decode(new Uint8Array(await proto.arrayBuffer()));
    expect(Number(response.partialSuccess.rejectedSpans)).toBe(1);
  });

  it('keeps a span once when an exporter sends it twice', async () => {
    const traceId = '8b8aa5a2d2c872e8321cf37308d69df2';
    const body = traceJson([jsonSpan(traceId, '551581bf3cb55c13')]);
    await postOtlp(c, 'traces', body, JSON_TYPE);
    await postOtlp(c, 'traces', body, JSON_TYPE);
    expect((await storedTrace(traceId, 1)).resourceSpans).toHaveLength(1);
    expect(
      c.db.prepare('SELECT span_count FROM traces WHERE trace_id = ?').pluck().get(traceId),
    ).toBe(1);
  });
});
