// What an exporter should never send: each bad request gets the OTLP error answer (HTTP status and
// google.rpc.Status, or the gRPC status code), the receiver keeps serving, and nothing already
// stored is lost. Partial success where OTLP has it; unknown fields ignored.
import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@webstore/testkit';
import { decodeStatus, SIGNALS } from '../server/otlp/proto.js';
import {
  closeTestConsoles,
  postOtlp,
  sendSpans,
  startTestConsole,
  type TestConsole,
} from './helpers.js';
import { order, storedTraceIn } from './traces-fixture.js';

let c: TestConsole;
beforeAll(async () => {
  c = await startTestConsole({ CONSOLE_OTLP_MAX_BODY_BYTES: '262144' });
});
afterAll(closeTestConsoles);

const storedTrace = (traceId: string, spans: number) => storedTraceIn(c, traceId, spans);
const spanTotal = () => c.db.prepare('SELECT count(*) FROM spans').pluck().get() as number;

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
