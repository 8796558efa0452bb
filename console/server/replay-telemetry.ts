// The console process's own traces: only the spans of replays run through the admin API (the
// replay library's `replay <topic>` / `redrive <topic>` roots, linked to the originals), sent to
// the console's own OTLP/HTTP receiver. Nothing else here is instrumented, so the console does not
// trace its own API requests nor the exports it receives.
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface ReplayTelemetry {
  shutdown(): Promise<void>;
}

/** Registers the global tracer provider of this process; `otlpHttpEndpoint` is the console's. */
export function startReplayTelemetry(
  otlpHttpEndpoint: string,
  env: NodeJS.ProcessEnv = process.env,
): ReplayTelemetry {
  const delay = Number(env.OTEL_BSP_SCHEDULE_DELAY);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'replay' }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpHttpEndpoint}/v1/traces` }), {
        scheduledDelayMillis: delay > 0 ? delay : 1_000,
      }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  return { shutdown: () => provider.shutdown().catch(() => undefined) };
}
