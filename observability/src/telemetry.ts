// The SDK setup behind the preload. Imported only after the ESM loader hook is registered, so
// that kafkajs, koa and bunyan (CJS packages imported from ESM) get patched.
import { Module } from 'node:module';
import { metrics } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { BunyanInstrumentation } from '@opentelemetry/instrumentation-bunyan';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { KoaInstrumentation, KoaLayerType } from '@opentelemetry/instrumentation-koa';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TelemetryConfig } from './config.js';
import { onFinalShutdown } from './lifecycle.js';
import { RedactingSpanProcessor } from './redact.js';
import { metricsCatalog } from './metrics-catalog.js';
import { serviceInstanceId } from './instance.js';
import { findServiceIdentity } from './service-identity.js';
import { setTelemetryState } from './telemetry-state.js';

const HEARTBEAT_INTERVAL_MS = 5_000;
// Probes and scrapes (served and sent, e.g. the gateway polling readiness) would otherwise produce
// a trace every few seconds per service; so would the store's server forwarding the browser's own
// spans (/otlp/v1/traces) and reading traces back from the console for the journey's waterfall.
const UNTRACED_PATHS = new Set(['/metrics', '/healthz', '/readyz', '/otlp/v1/traces']);
const UNTRACED_PREFIXES = ['/console-api/'];
const untraced = (path: string) =>
  UNTRACED_PATHS.has(path) || UNTRACED_PREFIXES.some((prefix) => path.startsWith(prefix));

export interface StartTelemetryOptions {
  config: TelemetryConfig;
  /** The main script, to find the service's package.json (default process.argv[1]). */
  entry?: string | undefined;
}

/** Starts the NodeSDK per the (enabled) config; registers the flush with the lifecycle. */
export function startTelemetry({ config, entry = process.argv[1] }: StartTelemetryOptions): void {
  const identity = findServiceIdentity(entry);
  const fallbackName = identity.name ?? 'unknown_service:node';

  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const readers: MetricReader[] = [prometheus];
  const spanProcessors = [];
  const logRecordProcessors: LogRecordProcessor[] = [];
  if (config.otlpEndpoint) {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: config.otlpEndpoint }),
        exportIntervalMillis: config.metricExportIntervalMs,
        exportTimeoutMillis: Math.min(config.metricExportIntervalMs, 10_000),
      }),
    );
    spanProcessors.push(
      new RedactingSpanProcessor(
        new BatchSpanProcessor(new OTLPTraceExporter({ url: config.otlpEndpoint }), {
          // The SDK's defaults (a queue of 2,048, batches of 512) drop spans without a word
          // above a few thousand spans per second; OTEL_BSP_* still override these.
          maxQueueSize: fromEnvOr('OTEL_BSP_MAX_QUEUE_SIZE', 16_384),
          maxExportBatchSize: fromEnvOr('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 2_048),
        }),
      ),
    );
    logRecordProcessors.push(
      new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: config.otlpEndpoint }) }),
    );
  } else {
    // A real tracer provider without exporters: trace ids still exist locally (log correlation,
    // Kafka header propagation, the traceId the gateway returns), nothing is sent anywhere.
    spanProcessors.push(new NoopSpanProcessor());
  }

  // Later merges win: OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME (read by the SDK's env
  // detector) override these defaults.
  const resource = defaultResource().merge(
    resourceFromAttributes({
      'service.name': fallbackName,
      'deployment.environment': 'local',
      'service.instance.id': serviceInstanceId(),
      ...(identity.version ? { 'service.version': identity.version } : {}),
    }),
  );

  const sdk = new NodeSDK({
    resource,
    spanProcessors,
    logRecordProcessors,
    metricReaders: readers,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => untraced(pathOf(req.url)),
        ignoreOutgoingRequestHook: (req) => untraced(pathOf(req.path)),
      }),
      // Router spans only (`POST /api/orders`): a span per middleware layer (auth, limits, error
      // mapping...) was six of about twenty spans per order and told nothing the server span
      // does not.
      new KoaInstrumentation({ ignoreLayersType: [KoaLayerType.MIDDLEWARE] }),
      new KafkaJsInstrumentation(),
      new BunyanInstrumentation(),
    ],
  });
  sdk.start();
  rememberRequires();

  const serviceName = config.serviceName ?? fallbackName;
  setTelemetryState({ serviceName, prometheus });
  startHeartbeat(serviceName);

  onFinalShutdown(async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, config.shutdownTimeoutMs);
    });
    // Exporter errors (collector gone) are swallowed: shutdown must stay quiet and quick.
    await Promise.race([sdk.shutdown().catch(() => undefined), timeout]);
    clearTimeout(timer);
  });
}

/**
 * kafkajs requires its protocol modules anew for every request it encodes (each produce, fetch,
 * offset commit and heartbeat), and behind the require hook the instrumentations install, every
 * one of those calls resolves the path again, package.json reads included: about 5 % of each
 * service's CPU in the profiles. A module asking again for the same id gets the same exports, so
 * the answer is remembered per calling module after the first (hooked) require.
 */
function rememberRequires(): void {
  const hooked = Module.prototype.require;
  const known = new Map<string, unknown>();
  const remembering = function (this: Module, id: string) {
    const key = `${this.filename}\0${id}`;
    if (known.has(key)) return known.get(key);
    const exports: unknown = Reflect.apply(hooked, this, [id]);
    known.set(key, exports);
    return exports;
  };
  Module.prototype.require = Object.assign(remembering, hooked) as NodeJS.Require;
}

/** `fallback` unless the variable is set (the SDK then reads and validates it itself). */
function fromEnvOr(name: string, fallback: number): number | undefined {
  return process.env[name] ? undefined : fallback;
}

function pathOf(url: string | null | undefined): string {
  return (url ?? '').split('?')[0] ?? '';
}

function startHeartbeat(serviceName: string): void {
  const spec = metricsCatalog.serviceHeartbeat;
  const counter = metrics
    .getMeter('webstore')
    .createCounter(spec.name, { description: spec.description });
  const beat = () => counter.add(1, { service: serviceName });
  beat();
  setInterval(beat, HEARTBEAT_INTERVAL_MS).unref();
}
