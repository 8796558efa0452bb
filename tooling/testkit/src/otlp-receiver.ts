import {
  createServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import {
  flattenLogs,
  flattenMetrics,
  flattenTraces,
  type FlatLog,
  type FlatMetric,
  type FlatSpan,
} from './otlp-flatten.js';

// The last otlp-transformer that ships protobufjs static codecs for all three services (0.214.0,
// installed under the `otlp-proto` alias). Its package has no `exports` map, so the deep path works.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;
const require = createRequire(import.meta.url);
const root: Obj = require('otlp-proto/build/src/generated/root.js');
const collector: Obj = root.opentelemetry.proto.collector;

type Signal = 'traces' | 'metrics' | 'logs';

const SIGNALS: Record<Signal, { service: string; request: Obj; response: Obj }> = {
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

const TO_OBJECT = { longs: String, enums: Number, defaults: false };

export interface OtlpReceiver {
  /** For the gRPC exporters: `OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:PORT`. */
  readonly grpcEndpoint: string;
  /** For the HTTP exporters: base URL, `/v1/traces` etc. are appended. */
  readonly httpEndpoint: string;
  spans(): FlatSpan[];
  logRecords(): FlatLog[];
  /** Every data export flattened, in arrival order (the same metric appears once per export). */
  metrics(): FlatMetric[];
  /** Distinct metric names received so far, sorted. */
  metricNames(): string[];
  /** How many export requests arrived per signal and transport. */
  requestCounts(): Record<`${Signal}/${'grpc' | 'http'}`, number>;
  /** Forgets everything received so far. */
  clear(): void;
  close(): Promise<void>;
}

export interface OtlpReceiverOptions {
  host?: string;
}

/** Starts an OTLP receiver (gRPC and HTTP with protobuf or JSON) on ephemeral ports. */
export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const host = options.host ?? '127.0.0.1';
  let spans: FlatSpan[] = [];
  let logs: FlatLog[] = [];
  let metrics: FlatMetric[] = [];
  const counts = emptyCounts();

  const accept = (signal: Signal, transport: 'grpc' | 'http', request: Obj) => {
    counts[`${signal}/${transport}`] += 1;
    if (signal === 'traces') spans.push(...flattenTraces(request));
    else if (signal === 'logs') logs.push(...flattenLogs(request));
    else metrics.push(...flattenMetrics(request));
  };

  const grpcServer = new grpc.Server();
  for (const [signal, codec] of Object.entries(SIGNALS) as [Signal, (typeof SIGNALS)[Signal]][]) {
    const definition: grpc.ServiceDefinition = {
      Export: {
        path: `/${codec.service}/Export`,
        requestStream: false,
        responseStream: false,
        requestSerialize: (value: Obj) => Buffer.from(codec.request.encode(value).finish()),
        requestDeserialize: (bytes: Buffer) => codec.request.decode(bytes),
        responseSerialize: (value: Obj) => Buffer.from(codec.response.encode(value).finish()),
        responseDeserialize: (bytes: Buffer) => codec.response.decode(bytes),
      },
    };
    grpcServer.addService(definition, {
      Export: (call: grpc.ServerUnaryCall<Obj, Obj>, callback: grpc.sendUnaryData<Obj>) => {
        try {
          accept(signal, 'grpc', codec.request.toObject(call.request, TO_OBJECT));
          callback(null, {});
        } catch (error) {
          callback({ code: grpc.status.INVALID_ARGUMENT, details: String(error) }, null);
        }
      },
    });
  }
  const grpcPort = await new Promise<number>((resolve, reject) => {
    grpcServer.bindAsync(`${host}:0`, grpc.ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(port),
    );
  });

  const httpServer = createServer((req, res) => {
    void handleHttp(req, res, accept);
  });
  const httpPort = await new Promise<number>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(0, host, () => {
      const address = httpServer.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

  return {
    grpcEndpoint: `http://${host}:${grpcPort}`,
    httpEndpoint: `http://${host}:${httpPort}`,
    spans: () => [...spans],
    logRecords: () => [...logs],
    metrics: () => [...metrics],
    metricNames: () => [...new Set(metrics.map((m) => m.name))].sort(),
    requestCounts: () => ({ ...counts }),
    clear() {
      spans = [];
      logs = [];
      metrics = [];
      for (const key of Object.keys(counts) as (keyof typeof counts)[]) counts[key] = 0;
    },
    close: () => closeBoth(grpcServer, httpServer),
  };
}

function emptyCounts(): Record<`${Signal}/${'grpc' | 'http'}`, number> {
  return {
    'traces/grpc': 0,
    'traces/http': 0,
    'metrics/grpc': 0,
    'metrics/http': 0,
    'logs/grpc': 0,
    'logs/http': 0,
  };
}

async function handleHttp(
  req: IncomingMessage,
  res: ServerResponse,
  accept: (signal: Signal, transport: 'http', request: Obj) => void,
): Promise<void> {
  const signal = /^\/v1\/(traces|metrics|logs)\/?$/.exec(req.url?.split('?')[0] ?? '')?.[1] as
    Signal | undefined;
  if (req.method !== 'POST' || !signal) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not an OTLP path\n');
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let body = Buffer.concat(chunks);
  const codec = SIGNALS[signal];
  const json = (req.headers['content-type'] ?? '').includes('json');
  try {
    if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    if (json) {
      accept(signal, 'http', JSON.parse(body.toString('utf8')));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } else {
      accept(signal, 'http', codec.request.toObject(codec.request.decode(body), TO_OBJECT));
      const response = Buffer.from(codec.response.encode({}).finish());
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(response);
    }
  } catch (error) {
    res
      .writeHead(400, { 'content-type': 'text/plain' })
      .end(`bad OTLP ${signal} request: ${String(error)}\n`);
  }
}

async function closeBoth(grpcServer: grpc.Server, httpServer: HttpServer): Promise<void> {
  await Promise.all([
    new Promise<void>((resolve) => {
      // Exporters keep their channel open; give in-flight calls a moment, then cut them.
      const timer = setTimeout(() => {
        grpcServer.forceShutdown();
        resolve();
      }, 500);
      grpcServer.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    }),
    new Promise<void>((resolve) => {
      httpServer.close(() => resolve());
      httpServer.closeAllConnections();
    }),
  ]);
}
