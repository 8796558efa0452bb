// startConsole: the store, the two OTLP receivers and the HTTP API wired together and listening.
// main.ts runs it from the environment; tests and the stack run it with free ports.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as grpc from '@grpc/grpc-js';
import { createLogger, type Logger } from '@webstore/observability/logger';
import { createApp } from './api/app.js';
import { createKafkaAccess } from './api/kafka-client.js';
import { createReplayTracer, type ReplayTracer } from './api/replay-tracer.js';
import { createStreamHub, type StreamHub } from './api/stream.js';
import type { ConsoleConfig } from './config.js';
import { createMetricEngine } from './metrics/engine.js';
import { bindGrpc, closeGrpc, createGrpcReceiver } from './otlp/grpc.js';
import { createHttpReceiver } from './otlp/http.js';
import { createIngest } from './otlp/ingest.js';
import { createLogQueries } from './store/logs.js';
import { createRetention, type Retention } from './store/retention.js';
import { openDatabase, type Db } from './store/schema.js';
import { createServiceQueries } from './store/services.js';
import { createTraceQueries } from './store/traces.js';
import { createWriter, type Writer, type WriterOptions } from './store/writer.js';

export interface ConsoleOptions {
  config: ConsoleConfig;
  log?: Logger;
  writer?: WriterOptions;
  retentionIntervalMs?: number;
  streamDebounceMs?: number;
  keepAliveMs?: number;
}

export interface RunningConsole {
  /** UI and API, e.g. http://127.0.0.1:3002 */
  url: string;
  /** For gRPC exporters: OTEL_EXPORTER_OTLP_ENDPOINT. */
  otlpGrpcEndpoint: string;
  /** For HTTP exporters: the base URL (/v1/traces etc. appended). */
  otlpHttpEndpoint: string;
  db: Db;
  writer: Writer;
  retention: Retention;
  stream: StreamHub;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const { config } = options;
  const log = options.log ?? createLogger('console');
  const db = openDatabase({ dataDir: config.dataDir });
  const writer = createWriter(db, options.writer);
  const retention = createRetention(db, {
    retentionMs: config.retentionMs,
    maxBytes: config.maxBytes,
    intervalMs: options.retentionIntervalMs,
  });
  const traces = createTraceQueries(db);
  const logs = createLogQueries(db);
  const stream = createStreamHub({
    traces,
    logs,
    onCommit: writer.onCommit,
    debounceMs: options.streamDebounceMs,
    keepAliveMs: options.keepAliveMs,
  });
  let ready = false;
  const kafka = createKafkaAccess(config.kafkaBrokers);
  // Made once the OTLP/HTTP receiver listens (its port may be chosen by the OS).
  const replayTracer: { current?: ReplayTracer } = {};
  const app = createApp({
    kafka,
    replayTracer: () => replayTracer.current?.tracer,
    replayDataDir: config.replayDataDir,
    traces,
    logs,
    metrics: createMetricEngine(db),
    services: createServiceQueries(db),
    retention,
    stream,
    adminToken: config.adminToken,
    uiDir: config.uiDir,
    prometheusUrl: config.prometheusUrl,
    log,
    ready: () => ready,
  });
  const ingest = createIngest(writer);
  const api = app.callback();
  const apiServer = createServer(api);
  const httpReceiver = createHttpReceiver({ ingest, maxBodyBytes: config.otlpMaxBodyBytes, log });
  const grpcReceiver: grpc.Server = createGrpcReceiver({
    ingest,
    maxBodyBytes: config.otlpMaxBodyBytes,
    log,
  });
  const host = urlHost(config.host);
  let apiPort: number;
  let httpPort: number;
  let grpcPort: number;
  try {
    [apiPort, httpPort, grpcPort] = await Promise.all([
      listen(apiServer, config.port, config.host),
      listen(httpReceiver, config.otlpHttpPort, config.host),
      bindGrpc(grpcReceiver, host, config.otlpGrpcPort),
    ]);
  } catch (err) {
    apiServer.close();
    httpReceiver.close();
    grpcReceiver.forceShutdown();
    writer.close();
    db.close();
    throw err;
  }
  replayTracer.current = createReplayTracer(`http://${host}:${httpPort}`);
  retention.enforce();
  retention.start();
  ready = true;

  return {
    url: `http://${host}:${apiPort}`,
    otlpGrpcEndpoint: `http://${host}:${grpcPort}`,
    otlpHttpEndpoint: `http://${host}:${httpPort}`,
    db,
    writer,
    retention,
    stream,
    async close() {
      ready = false;
      await replayTracer.current?.shutdown();
      // Receivers first, so every acknowledged export is in the last transaction.
      await Promise.all([
        closeGrpc(grpcReceiver),
        new Promise<void>((resolve) => {
          httpReceiver.close(() => resolve());
          httpReceiver.closeIdleConnections();
        }),
      ]);
      retention.stop();
      stream.close();
      await new Promise<void>((resolve) => {
        apiServer.close(() => resolve());
        // Ended streams drain and go idle; anything still busy after a moment is cut.
        apiServer.closeIdleConnections();
        setTimeout(() => apiServer.closeAllConnections(), 1_000).unref();
      });
      await kafka.close();
      app.closeReplays();
      writer.close();
      db.close();
    },
  };
}
