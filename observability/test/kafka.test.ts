import { startOtlpReceiver, waitFor, type FlatSpan, type OtlpReceiver } from '@webstore/testkit';
import { createBroker, type Broker } from '@webstore/embedded-kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture, type Fixture } from './fixture.js';

const TOPIC = 'fixture.orders';

// One trace across HTTP → Kafka producer → Kafka consumer, through a real broker and the real preload.
describe('preload with kafkajs against the embedded broker', () => {
  let broker: Broker;
  let rx: OtlpReceiver;
  let app: Fixture;
  let order: { traceId: string; spanId: string };
  let consumed: { key: string; traceparent: string; traceId: string; spanId: string };
  let send: FlatSpan;
  let processSpan: FlatSpan;

  beforeAll(async () => {
    broker = await createBroker({ port: 0 });
    rx = await startOtlpReceiver();
    app = await startFixture({
      KAFKA_BROKERS: broker.bootstrap,
      TOPIC,
      OTEL_EXPORTER_OTLP_ENDPOINT: rx.grpcEndpoint,
      OTEL_METRIC_EXPORT_INTERVAL: '300',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_BLRP_SCHEDULE_DELAY: '100',
    });
    const response = await fetch(`${app.url}/orders`, { method: 'POST' });
    expect(response.status).toBe(202);
    order = (await response.json()) as typeof order;
    const received = await waitFor(
      async () => {
        const list = (await (await fetch(`${app.url}/consumed`)).json()) as (typeof consumed)[];
        return list.length ? list : undefined;
      },
      { timeoutMs: 20_000, message: 'the consumer to receive the order' },
    );
    consumed = received[0]!;
    // Kafka spans end after the awaited call returns, so wait for them rather than read at once.
    send = await waitFor(() => rx.spans().find((s) => s.kind === 'PRODUCER'), {
      message: 'the send span',
    });
    processSpan = await waitFor(() => rx.spans().find((s) => s.kind === 'CONSUMER'), {
      message: 'the process span',
    });
  }, 60_000);

  afterAll(async () => {
    await app?.service.stop();
    await rx?.close();
    await broker?.stop();
  });

  it('makes a PRODUCER span "send <topic>" under the HTTP request', () => {
    expect(send).toMatchObject({
      name: `send ${TOPIC}`,
      traceId: order.traceId,
      serviceName: 'fixture',
      attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': TOPIC },
    });
    // Walk up: the parent is a koa router span or the HTTP server span itself.
    const byId = new Map(rx.spans().map((s) => [s.spanId, s]));
    let ancestor = send.parentSpanId ? byId.get(send.parentSpanId) : undefined;
    while (ancestor && ancestor.kind !== 'SERVER' && ancestor.parentSpanId)
      ancestor = byId.get(ancestor.parentSpanId);
    expect(ancestor).toMatchObject({
      kind: 'SERVER',
      traceId: order.traceId,
      attributes: { 'url.path': '/orders' },
    });
  });

  it('puts the producer span context in the message traceparent header', () => {
    expect(consumed.traceparent).toBe(`00-${order.traceId}-${send.spanId}-01`);
  });

  it('makes a CONSUMER span "process <topic>" that is a child of the send span, in the same trace', () => {
    expect(processSpan).toMatchObject({
      name: `process ${TOPIC}`,
      traceId: order.traceId,
      parentSpanId: send.spanId,
      attributes: { 'messaging.destination.name': TOPIC },
    });
    expect(consumed).toMatchObject({
      key: 'o-1',
      traceId: order.traceId,
      spanId: processSpan.spanId,
    });
  });

  it('correlates the consumer log record with the process span, on stdout and over OTLP', async () => {
    const record = app.records().find((r) => r.msg === 'order consumed');
    expect(record).toMatchObject({
      trace_id: order.traceId,
      span_id: processSpan.spanId,
      key: 'o-1',
    });
    const log = await waitFor(() => rx.logRecords().find((l) => l.body === 'order consumed'), {
      message: 'the consumer log record over OTLP',
    });
    expect(log).toMatchObject({ traceId: order.traceId, spanId: processSpan.spanId });
  });

  it('exports the kafkajs instrumentation metrics over OTLP', async () => {
    await waitFor(
      () =>
        ['messaging.client.sent.messages', 'messaging.client.consumed.messages'].every((n) =>
          rx.metricNames().includes(n),
        ),
      { message: 'the kafkajs metrics over OTLP' },
    );
  });
});
