// One client connection: reassembles size-prefixed frames from TCP chunks (split or coalesced),
// handles requests strictly in order, and writes each response before the next request's. A frame
// that cannot be understood closes this connection only.
import type { Socket } from 'node:net';
import type { BrokerState } from './broker-state.js';
import type { HandlerRegistry, RequestHeader } from './handlers/registry.js';
import type { ProtocolTrace, TraceNotes } from './protocol-trace.js';
import { ErrorCode } from './protocol/error-codes.js';
import { ProtocolError, Reader } from './protocol/reader.js';
import { Writer } from './protocol/writer.js';

const API_VERSIONS_KEY = 18;

export interface ConnectionOptions {
  maxFrameBytes: number;
  log: (message: string) => void;
  /** Numbers this connection in the protocol trace. */
  id: number;
  trace?: ProtocolTrace;
}

const NO_NOTES = () => undefined;

export class Connection {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly registry: HandlerRegistry,
    private readonly state: BrokerState,
    private readonly options: ConnectionOptions,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => {
      this.closed = true;
      options.trace?.write({ conn: options.id, event: 'closed' });
    });
    options.trace?.write({
      conn: options.id,
      event: 'opened',
      remote: `${socket.remoteAddress}:${socket.remotePort}`,
    });
  }

  close(reason?: string): void {
    if (this.closed) return;
    this.closed = true;
    if (reason) {
      this.options.log(`closing connection from ${this.socket.remoteAddress}: ${reason}`);
      this.options.trace?.write({ conn: this.options.id, event: 'closing', reason });
    }
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    while (!this.closed && this.pendingBytes >= 4) {
      const head = this.pending[0]!.length >= 4 ? this.pending[0]! : Buffer.concat(this.pending);
      const size = head.readInt32BE(0);
      if (size > this.options.maxFrameBytes) {
        this.close(`frame of ${size} bytes is over the limit of ${this.options.maxFrameBytes}`);
        return;
      }
      if (size < 8) {
        this.close(`invalid frame size ${size}`);
        return;
      }
      if (this.pendingBytes < size + 4) return;
      const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
      const frame = all.subarray(4, size + 4);
      const rest = all.subarray(size + 4);
      this.pending = rest.length > 0 ? [rest] : [];
      this.pendingBytes = rest.length;
      this.enqueue(frame);
    }
  }

  private enqueue(frame: Buffer): void {
    this.queue = this.queue.then(async () => {
      if (this.closed) return;
      try {
        const parts = await this.handle(frame);
        if (parts && !this.closed) this.write(parts);
      } catch (err) {
        this.close(
          err instanceof ProtocolError
            ? err.message
            : `handler failed: ${(err as Error).stack ?? err}`,
        );
      }
    });
  }

  private async handle(frame: Buffer): Promise<Buffer[] | null> {
    const reader = new Reader(frame);
    const header: RequestHeader = {
      apiKey: reader.int16(),
      apiVersion: reader.int16(),
      correlationId: reader.int32(),
      clientId: null,
    };
    const handler = this.registry.get(header.apiKey);
    if (!handler) throw new ProtocolError(`unknown api key ${header.apiKey}`);
    if (header.apiVersion < handler.minVersion || header.apiVersion > handler.maxVersion) {
      // Newer clients open with a version we lack; Kafka answers in v0 form with the table.
      if (header.apiKey === API_VERSIONS_KEY && header.apiVersion > handler.maxVersion)
        return this.unsupportedApiVersions(header);
      throw new ProtocolError(`unsupported version ${header.apiVersion} of api ${header.apiKey}`);
    }
    header.clientId = reader.nullableString();
    const trace = this.options.trace;
    const notes: TraceNotes = {};
    const started = performance.now();
    const pending = handler.handle(
      {
        header,
        version: header.apiVersion,
        state: this.state,
        clientHost: this.socket.remoteAddress ?? '',
        note: trace ? (fields) => Object.assign(notes, fields) : NO_NOTES,
      },
      reader,
    );
    // Handlers note the request's fields while parsing, before their first await.
    const line = {
      conn: this.options.id,
      client: header.clientId,
      api: handler.name,
      v: header.apiVersion,
      corr: header.correlationId,
    };
    trace?.write({ ...line, dir: 'request', ...notes });
    const body = await pending;
    trace?.write({
      ...line,
      dir: body ? 'response' : 'no-response',
      heldMs: Math.round(performance.now() - started),
      ...notes,
    });
    return body ? this.frame(header.correlationId, body) : null;
  }

  private unsupportedApiVersions(header: RequestHeader): Buffer[] {
    const body = new Writer().int16(ErrorCode.UNSUPPORTED_VERSION);
    body.array(this.registry.versions(), (w, v) =>
      w.int16(v.apiKey).int16(v.minVersion).int16(v.maxVersion),
    );
    return this.frame(header.correlationId, body);
  }

  private frame(correlationId: number, body: Writer): Buffer[] {
    const head = Buffer.allocUnsafe(8);
    head.writeInt32BE(body.length + 4, 0);
    head.writeInt32BE(correlationId, 4);
    return [head, ...body.parts()];
  }

  private write(parts: Buffer[]): void {
    this.socket.cork();
    for (const part of parts) this.socket.write(part);
    this.socket.uncork();
  }
}
