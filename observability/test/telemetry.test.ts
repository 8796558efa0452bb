import { startOtlpReceiver, waitFor, type OtlpReceiver } from '@webstore/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture, type Fixture } from './fixture.js';

// The real preload in a child process, exporting over OTLP gRPC to a receiver in this test.
describe('preload with an OTLP endpoint', () => {
  let rx: OtlpReceiver;
  let app: Fixture;
  let order: { traceId: string; spanId: string };
  let exitCode: number | null;

  beforeAll(async () => {
    rx = await startOtlpReceiver();
    app = await startFixture({
      OTEL_EXPORTER_OTLP_ENDPOINT: rx.grpcEndpoint,
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=ci,team=checkout',
      OTEL_METRIC_EXPORT_INTERVAL: '300',
      // Spans and logs leave only through the shutdown flush, which is what the SIGTERM test proves.
      OTEL_BSP_SCHEDULE_DELAY: '60000',
      OTEL_BLRP_SCHEDULE_DELAY: '60000',
    });
    const response = await fetch(`${app.url}/orders`, { method: 'POST' });
    expect(response.status).toBe(202);
    order = (await response.json()) as typeof order;
    expect((await fetch(`${app.url}/fail`, { method: 'POST' })).status).toBe(500);
    // The store's forwarding of browser spans and its trace reads are not traced either.
    await fetch(`${app.url}/otlp/v1/traces`, { method: 'POST' });
    await fetch(`${app.url}/console-api/traces/${'a'.repeat(32)}`);
    // Metrics are exported periodically, so they can be checked before the shutdown.
    await waitFor(() => rx.metricNames().includes('webstore_service_heartbeat'), {
      message: 'the heartbeat over OTLP',
    });
    expect(rx.spans()).toEqual([]);
    exitCode = await app.service.stop('SIGTERM');
  }, 30_000);

  afterAll(async () => {
    app?.service.kill();
    await rx?.close();
  });

  it('exits 0 after SIGTERM, quietly', () => {
    expect(exitCode).toBe(0);
    expect(app.service.stderr()).toBe('');
  });

  it('flushes on SIGTERM the spans that ended just before it, with the resource attributes', () => {
    const server = rx
      .spans()
      .find((s) => s.kind === 'SERVER' && s.attributes['url.path'] === '/orders');
    expect(server).toMatchObject({
      serviceName: 'fixture',
      traceId: order.traceId,
      resource: { 'deployment.environment': 'ci', team: 'checkout', 'service.version': '0.1.0' },
    });
    expect(server?.parentSpanId).toBeUndefined();
    // Koa middleware layers make no spans of their own (router layers do): the handler runs in
    // the HTTP server span.
    expect(order.spanId).toBe(server?.spanId);
    const inTrace = rx.spans().filter((s) => s.traceId === order.traceId);
    expect(inTrace.filter((s) => s.scope.name === '@opentelemetry/instrumentation-koa')).toEqual(
      [],
    );
  });

  it('puts request-wide attributes on the server span, not on the koa layer span', () => {
    const inTrace = rx.spans().filter((s) => s.traceId === order.traceId);
    const tagged = inTrace.filter((s) => s.attributes['customer.segment'] === 'vip');
    expect(tagged.map((s) => s.kind)).toEqual(['SERVER']);
  });

  it('runs onShutdown hooks in order before the flush (a span made in a hook is exported)', () => {
    expect(rx.spans().map((s) => s.name)).toContain('shutdown hook');
    const messages = app.records().map((r) => r.msg);
    expect(messages.indexOf('shutdown hook ran')).toBeGreaterThan(
      messages.indexOf('order received'),
    );
  });

  it('does not trace /metrics scrapes, health probes or the store’s telemetry forwarding', () => {
    expect(
      rx
        .spans()
        .filter((s) => /metrics|healthz|otlp|console-api/.test(String(s.attributes['url.path']))),
    ).toEqual([]);
  });

  it('writes bunyan JSON to stdout carrying the active trace_id and span_id, with PII redacted', () => {
    const record = app.records().find((r) => r.msg === 'order received');
    expect(record).toMatchObject({
      name: 'fixture',
      level: 30,
      trace_id: order.traceId,
      span_id: order.spanId,
      orderId: 'o-1',
      email: '[redacted]',
    });
    expect(app.service.stdout()).not.toContain('shopper@example.com');
  });

  it('sends the same records as OTel log records with the trace context', () => {
    const log = rx.logRecords().find((l) => l.body === 'order received');
    expect(log).toMatchObject({
      serviceName: 'fixture',
      traceId: order.traceId,
      spanId: order.spanId,
      severityText: 'info',
      attributes: { orderId: 'o-1' },
    });
    expect(rx.logRecords().map((l) => l.attributes.email)).toContain('[redacted]');
    expect(JSON.stringify(rx.logRecords().map((l) => l.attributes))).not.toContain(
      'shopper@example.com',
    );
    const failure = rx.logRecords().find((l) => l.body === 'payment failed');
    expect(failure?.severityText).toBe('error');
    expect(failure?.attributes['exception.message']).toBe('card processor unavailable');
  });

  it('exports metrics over OTLP: the heartbeat with its service label and the HTTP server duration', () => {
    const heartbeat = rx.metrics().find((m) => m.name === 'webstore_service_heartbeat');
    expect(heartbeat).toMatchObject({ type: 'sum', monotonic: true, serviceName: 'fixture' });
    expect(heartbeat?.dataPoints[0]?.attributes).toEqual({ service: 'fixture' });
    expect(rx.metricNames()).toContain('http.server.request.duration');
  });
});
