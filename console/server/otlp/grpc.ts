// OTLP/gRPC: the Export method of TraceService, MetricsService and LogsService. Requests arrive as
// raw bytes and are decoded here, so a body that does not decode is INVALID_ARGUMENT (not a generic
// deserialization failure); a store that cannot take the data answers UNAVAILABLE, which OTLP
// exporters retry. gzip-compressed messages are handled by grpc-js.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '@webstore/observability/logger';
import { OverloadedError } from '../store/writer.js';
import type { Ingest } from './ingest.js';
import { exportResponse, SIGNALS, type Decoded, type Signal } from './proto.js';
import { InvalidItem } from './values.js';

export interface GrpcReceiverOptions {
  ingest: Ingest;
  maxBodyBytes: number;
  log: Logger;
}

/** Creates (does not bind) the OTLP/gRPC server. */
export function createGrpcReceiver(options: GrpcReceiverOptions): grpc.Server {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxBodyBytes,
  });
  for (const [signal, codec] of Object.entries(SIGNALS) as [Signal, (typeof SIGNALS)[Signal]][]) {
    const definition: grpc.ServiceDefinition = {
      Export: {
        path: `/${codec.service}/Export`,
        requestStream: false,
        responseStream: false,
        requestSerialize: (value: Buffer) => value,
        requestDeserialize: (bytes: Buffer) => bytes,
        responseSerialize: (value: Decoded) =>
          Buffer.from(codec.response.encode(codec.response.fromObject(value)).finish()),
        responseDeserialize: (bytes: Buffer) => codec.response.decode(bytes),
      },
    };
    server.addService(definition, {
      Export: (
        call: grpc.ServerUnaryCall<Buffer, Decoded>,
        callback: grpc.sendUnaryData<Decoded>,
      ) => {
        let request: Decoded;
        try {
          request = codec.request.decode(call.request);
        } catch (err) {
          callback({
            code: grpc.status.INVALID_ARGUMENT,
            details: `not an OTLP ${signal} request: ${(err as Error).message}`,
          });
          return;
        }
        options.ingest(signal, request).then(
          (result) => callback(null, exportResponse(signal, result.rejected, result.errorMessage)),
          (err: unknown) => {
            if (err instanceof InvalidItem)
              return callback({ code: grpc.status.INVALID_ARGUMENT, details: err.message });
            if (!(err instanceof OverloadedError))
              options.log.error({ err, signal }, 'storing an OTLP export failed');
            callback({
              code: grpc.status.UNAVAILABLE,
              details:
                err instanceof OverloadedError
                  ? err.message
                  : 'the console could not store the data; retry later',
            });
          },
        );
      },
    });
  }
  return server;
}

/** Binds the server; resolves with the port. */
export function bindGrpc(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    );
  });
}

/** Stops accepting calls, lets in-flight ones finish (up to `graceMs`), then cuts the rest. */
export function closeGrpc(server: grpc.Server, graceMs = 2_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
