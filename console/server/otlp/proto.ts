// The OTLP protobuf codecs. No maintained npm package ships the opentelemetry-proto definitions as
// codecs for decoding: current @opentelemetry/otlp-transformer only serializes, with hand-written
// writers. Its 0.214.0 release is the last to ship the static protobufjs module the OpenTelemetry JS
// project generated (pbjs) from the official opentelemetry-proto files, covering all three
// collector services; it runs on the maintained protobufjs 7 runtime and is installed under the
// `otlp-proto` alias (its package has no `exports` map, so the deep path resolves). Unknown fields
// are skipped by the decoder, as OTLP requires of receivers.
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Decoded = any;

export type Signal = 'traces' | 'metrics' | 'logs';

export interface MessageCodec {
  decode(bytes: Uint8Array): Decoded;
  encode(message: Decoded): { finish(): Uint8Array };
  fromObject(object: Decoded): Decoded;
}

const require = createRequire(import.meta.url);
const root: Decoded = require('otlp-proto/build/src/generated/root.js');
const collector = root.opentelemetry.proto.collector;

export const SIGNALS: Record<
  Signal,
  { service: string; request: MessageCodec; response: MessageCodec }
> = {
  traces: {
    service: 'opentelemetry.proto.collector.trace.v1.TraceService',
    request: collector.trace.v1.ExportTraceServiceRequest,
    response: collector.trace.v1.ExportTraceServiceResponse,
  },
  metrics: {
    service: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
    request: collector.metrics.v1.ExportMetricsServiceRequest,
    response: collector.metrics.v1.ExportMetricsServiceResponse,
  },
  logs: {
    service: 'opentelemetry.proto.collector.logs.v1.LogsService',
    request: collector.logs.v1.ExportLogsServiceRequest,
    response: collector.logs.v1.ExportLogsServiceResponse,
  },
};

// google.rpc.Status, the body of an OTLP/HTTP error response: code = 1, message = 2, details = 3
// (google/rpc/status.proto). Details are never sent, so the type needs no `Any`.
const status = new protobuf.Type('Status')
  .add(new protobuf.Field('code', 1, 'int32'))
  .add(new protobuf.Field('message', 2, 'string'));

/** google.rpc.Status as protobuf bytes. */
export function encodeStatus(code: number, message: string): Uint8Array {
  return status.encode({ code, message }).finish();
}

/** Decodes google.rpc.Status bytes (tests read error bodies with it). */
export function decodeStatus(bytes: Uint8Array): { code: number; message: string } {
  const decoded = status.decode(bytes) as unknown as { code?: number; message?: string };
  return { code: decoded.code ?? 0, message: decoded.message ?? '' };
}

/** The partial-success field names of each signal's response. */
export const REJECTED_FIELD: Record<Signal, string> = {
  traces: 'rejectedSpans',
  metrics: 'rejectedDataPoints',
  logs: 'rejectedLogRecords',
};

/** The Export response, with partial success when something was rejected. */
export function exportResponse(
  signal: Signal,
  rejected: number,
  errorMessage: string,
): Record<string, unknown> {
  if (rejected === 0 && !errorMessage) return {};
  return { partialSuccess: { [REJECTED_FIELD[signal]]: String(rejected), errorMessage } };
}
