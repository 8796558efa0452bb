// The preload: `node --import @webstore/observability/register app.js`.
// The loader hook must be registered before any instrumented package is imported, and the SDK
// must start before the app's first import, hence the hook first and a dynamic import after it.
import { register } from 'node:module';
import { readTelemetryConfig } from './config.js';
import { installSignalHandlers } from './lifecycle.js';

const config = readTelemetryConfig();
if (config.disabled) {
  // No hook and no SDK: the API stays no-op and metricsHandler answers empty.
  installSignalHandlers();
} else {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const { startTelemetry } = await import('./telemetry.js');
  startTelemetry({ config });
}
