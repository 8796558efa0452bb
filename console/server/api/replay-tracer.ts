// The console runs without the telemetry preload (it would trace its own ingestion into itself),
// so the replays it executes get a tracer of their own: only replay spans, exported over OTLP/HTTP
// to the console's own receiver, so a replay started here is a linked trace like one from the CLI.
import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface ReplayTracer {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

/** A tracer whose spans go to `otlpHttpEndpoint` (the base URL; `/v1/traces` is appended). */
export function createReplayTracer(otlpHttpEndpoint: string): ReplayTracer {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'console',
      'deployment.environment': 'local',
    }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpHttpEndpoint}/v1/traces` }), {
        scheduledDelayMillis: 200,
      }),
    ],
  });
  return {
    tracer: provider.getTracer('@webstore/replay'),
    shutdown: () => provider.shutdown().catch(() => undefined),
  };
}
