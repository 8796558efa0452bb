// What the preload hands to the modules services import (metricsHandler). Kept on globalThis so
// the preload's instance and the service's instance of these modules see the same objects.
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';

export interface TelemetryState {
  serviceName: string;
  prometheus: PrometheusExporter | undefined;
}

const KEY = Symbol.for('webstore.observability.telemetry');
const holder = globalThis as typeof globalThis & { [KEY]?: TelemetryState };

export function setTelemetryState(value: TelemetryState): void {
  holder[KEY] = value;
}

/** Undefined when the preload did not run (or telemetry is disabled). */
export function getTelemetryState(): TelemetryState | undefined {
  return holder[KEY];
}
