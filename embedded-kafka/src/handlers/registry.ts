// One handler per API key, each declaring the versions it serves; ApiVersions is answered from
// this table, so what is advertised is exactly what is implemented.
import type { BrokerState } from '../broker-state.js';
import type { TraceNotes } from '../protocol-trace.js';
import type { Reader } from '../protocol/reader.js';
import type { Writer } from '../protocol/writer.js';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

export interface RequestContext {
  header: RequestHeader;
  version: number;
  state: BrokerState;
  clientHost: string;
  /** Adds fields to this request's protocol-trace lines (a no-op when tracing is off). */
  note(fields: TraceNotes): void;
}

/** A response body, or null when the request expects no response (Produce with acks=0). */
export type HandlerResult = Writer | null;

export interface ApiHandler {
  apiKey: number;
  name: string;
  minVersion: number;
  maxVersion: number;
  handle(ctx: RequestContext, body: Reader): HandlerResult | Promise<HandlerResult>;
}

export class HandlerRegistry {
  private readonly handlers = new Map<number, ApiHandler>();

  register(...handlers: ApiHandler[]): this {
    for (const h of handlers) this.handlers.set(h.apiKey, h);
    return this;
  }

  get(apiKey: number): ApiHandler | undefined {
    return this.handlers.get(apiKey);
  }

  /** The ApiVersions table, in api-key order. */
  versions(): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...this.handlers.values()]
      .sort((a, b) => a.apiKey - b.apiKey)
      .map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion }));
  }
}
