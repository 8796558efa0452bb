export { waitFor, type WaitForOptions } from './wait-for.js';
export { freePort } from './free-port.js';
export { spawnService, type SpawnServiceOptions, type SpawnedService } from './spawn-service.js';
export { startOtlpReceiver, type OtlpReceiver, type OtlpReceiverOptions } from './otlp-receiver.js';
export type {
  Attributes,
  FlatDataPoint,
  FlatLog,
  FlatMetric,
  FlatMetricType,
  FlatSpan,
  FlatSpanKind,
} from './otlp-flatten.js';
