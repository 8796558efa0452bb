// OTLP/HTTP: POST /v1/traces, /v1/metrics and /v1/logs with a protobuf or JSON body, optionally
// gzipped. Answers as the OTLP specification says: 200 with the Export response (partial success
// when something was rejected), 400 for a body that does not decode, 413 for one over the limit,
// 415 for a content type or encoding it does not speak, 503 with Retry-After when the store cannot
// take the data now (so the exporter retries and nothing is lost), each error with a
// google.rpc.Status body in the request's encoding.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Logger } from '@webstore/observability/logger';
import { OverloadedError } from '../store/writer.js';
import type { Ingest } from './ingest.js';
import { encodeStatus, exportResponse, SIGNALS, type Signal } from './proto.js';
import { InvalidItem } from './values.js';

const gunzipAsync = promisify(gunzip);

// google.rpc.Code values used in Status bodies.
const INVALID_ARGUMENT = 3;
const RESOURCE_EXHAUSTED = 8;
const UNAVAILABLE = 14;
const UNIMPLEMENTED = 12;

export interface HttpReceiverOptions {
  ingest: Ingest;
  maxBodyBytes: number;
  log: Logger;
}

type Encoding = 'protobuf' | 'json';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function encodingOf(req: IncomingMessage): Encoding {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  throw new HttpError(
    415,
    UNIMPLEMENTED,
    `Content-Type must be application/x-protobuf or application/json, got "${type || 'none'}"`,
  );
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > max)
    throw new HttpError(
      413,
      RESOURCE_EXHAUSTED,
      `the body (${declared} bytes) is over the ${max}-byte limit`,
    );
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max)
      throw new HttpError(413, RESOURCE_EXHAUSTED, `the body is over the ${max}-byte limit`);
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding !== 'gzip')
    throw new HttpError(
      415,
      UNIMPLEMENTED,
      `Content-Encoding must be gzip or identity, got "${encoding}"`,
    );
  try {
    return await gunzipAsync(body, { maxOutputLength: max });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError)
      throw new HttpError(
        413,
        RESOURCE_EXHAUSTED,
        `the decompressed body is over the ${max}-byte limit`,
      );
    throw new HttpError(
      400,
      INVALID_ARGUMENT,
      `the body is not valid gzip: ${(err as Error).message}`,
    );
  }
}

function decode(signal: Signal, encoding: Encoding, body: Buffer): unknown {
  try {
    if (encoding === 'json') return JSON.parse(body.toString('utf8'));
    return SIGNALS[signal].request.decode(body);
  } catch (err) {
    throw new HttpError(
      400,
      INVALID_ARGUMENT,
      `the body is not an OTLP ${signal} ${encoding} request: ${(err as Error).message}`,
    );
  }
}

function send(
  res: ServerResponse,
  status: number,
  encoding: Encoding,
  body: Record<string, unknown> | Uint8Array,
): void {
  const payload =
    body instanceof Uint8Array ? Buffer.from(body) : Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf',
    'content-length': payload.length,
    ...(status === 503 ? { 'retry-after': '1' } : {}),
  });
  res.end(payload);
}

function sendError(res: ServerResponse, encoding: Encoding, err: HttpError): void {
  if (encoding === 'json') send(res, err.status, 'json', { code: err.code, message: err.message });
  else send(res, err.status, 'protobuf', encodeStatus(err.code, err.message));
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: HttpReceiverOptions,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  const signal = /^\/v1\/(traces|metrics|logs)\/?$/.exec(path)?.[1] as Signal | undefined;
  if (!signal)
    return sendError(
      res,
      'json',
      new HttpError(
        404,
        UNIMPLEMENTED,
        `no OTLP endpoint at ${path}; use /v1/traces, /v1/metrics or /v1/logs`,
      ),
    );
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    return sendError(res, 'json', new HttpError(405, UNIMPLEMENTED, `${path} accepts POST only`));
  }
  let encoding: Encoding = 'json';
  try {
    encoding = encodingOf(req);
    const request = decode(signal, encoding, await readBody(req, options.maxBodyBytes));
    const result = await options.ingest(signal, request).catch((err: unknown) => {
      if (err instanceof InvalidItem) throw new HttpError(400, INVALID_ARGUMENT, err.message);
      if (err instanceof OverloadedError) throw new HttpError(503, UNAVAILABLE, err.message);
      options.log.error({ err, signal }, 'storing an OTLP export failed');
      throw new HttpError(503, UNAVAILABLE, 'the console could not store the data; retry later');
    });
    const response = exportResponse(signal, result.rejected, result.errorMessage);
    if (encoding === 'json') send(res, 200, 'json', response);
    else
      send(
        res,
        200,
        'protobuf',
        SIGNALS[signal].response.encode(SIGNALS[signal].response.fromObject(response)).finish(),
      );
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    // Drain what the client is still sending so it reads our answer instead of a reset.
    if (!req.complete) req.resume();
    sendError(res, encoding, err);
  }
}

/** Creates (does not start) the OTLP/HTTP receiver. */
export function createHttpReceiver(options: HttpReceiverOptions): Server {
  return createServer((req, res) => {
    handle(req, res, options).catch((err: unknown) => {
      options.log.error({ err }, 'OTLP/HTTP request failed');
      if (!res.headersSent) sendError(res, 'json', new HttpError(500, 13, 'internal error'));
      else res.destroy();
    });
  });
}
