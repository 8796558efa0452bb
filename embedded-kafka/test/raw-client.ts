// A bare TCP client for protocol-level tests: sends frames built by kafkajs's own request
// encoders (or raw bytes) and hands back response frames in arrival order.
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';

const require = createRequire(import.meta.url);
const encodeFrame = require('kafkajs/src/protocol/request.js') as (args: {
  correlationId: number;
  clientId: string;
  request: KafkajsRequest;
}) => Promise<{ buffer: Buffer }>;

export interface KafkajsRequest {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<unknown>;
}
export interface KafkajsResponse {
  decode(raw: Buffer): Promise<Record<string, unknown>>;
  parse(decoded: Record<string, unknown>): Promise<Record<string, unknown>>;
}
type Protocol = (args: Record<string, unknown>) => {
  request: KafkajsRequest;
  response: KafkajsResponse;
};

/** kafkajs's request/response pair for one API version, e.g. `kafkajsApi('fetch', 4)`. */
export function kafkajsApi(api: string, version: number): Protocol {
  const mod = require(`kafkajs/src/protocol/requests/${api}/index.js`) as {
    protocol(v: { version: number }): Protocol;
  };
  return mod.protocol({ version });
}

export class RawClient {
  private buffered = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private readonly waiters: { resolve: (frame: Buffer) => void; reject: (e: Error) => void }[] = [];
  private ended = false;
  private nextCorrelationId = 1;
  closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length < size + 4) break;
        const frame = this.buffered.subarray(4, size + 4);
        this.buffered = this.buffered.subarray(size + 4);
        const waiter = this.waiters.shift();
        if (waiter) waiter.resolve(frame);
        else this.frames.push(frame);
      }
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.ended = true;
        for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('connection closed'));
        resolve();
      }),
    );
    socket.on('error', () => undefined);
  }

  static async open(bootstrap: string): Promise<RawClient> {
    const [host, port] = bootstrap.split(':');
    const socket = connect(Number(port), host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** The next response frame (correlation id included). */
  next(): Promise<Buffer> {
    const frame = this.frames.shift();
    if (frame) return Promise.resolve(frame);
    if (this.ended) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Encodes a kafkajs request as a frame, with a fresh correlation id. */
  async frame(request: KafkajsRequest): Promise<{ correlationId: number; bytes: Buffer }> {
    const correlationId = this.nextCorrelationId++;
    const { buffer } = await encodeFrame({ correlationId, clientId: 'raw', request });
    return { correlationId, bytes: buffer };
  }

  /** Sends one kafkajs request and decodes + parses the reply with kafkajs's response module. */
  async call<T = Record<string, unknown>>(
    api: string,
    version: number,
    args: Record<string, unknown> = {},
    { parse = true } = {},
  ): Promise<T> {
    const { request, response } = kafkajsApi(api, version)(args);
    const { correlationId, bytes } = await this.frame(request);
    this.socket.write(bytes);
    const reply = await this.next();
    if (reply.readInt32BE(0) !== correlationId) throw new Error('correlation id mismatch');
    const decoded = await response.decode(reply.subarray(4));
    return (parse ? await response.parse(decoded) : decoded) as T;
  }

  close(): void {
    this.socket.destroy();
  }
}
