// The protocol trace: one JSON line per request and per response (and per connection opened or
// closed), for reading what a client and the broker said to each other when something hangs.
// Enabled with EMBEDDED_KAFKA_TRACE=<file> on the CLI or `traceFile` in createBroker().
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/** Fields a handler adds to its request's trace lines: group, member, partitions, error code... */
export type TraceNotes = Record<string, string | number | boolean | null | undefined>;

export interface ProtocolTrace {
  write(entry: TraceNotes): void;
  close(): Promise<void>;
}

/** Appends trace lines to `path` (created with its directory). */
export function openProtocolTrace(path: string): ProtocolTrace {
  mkdirSync(dirname(path), { recursive: true });
  const out: WriteStream = createWriteStream(path, { flags: 'a' });
  let open = true;
  return {
    write(entry) {
      // Sockets destroyed by stop() report their close after the trace has ended.
      if (open) out.write(`${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);
    },
    close() {
      open = false;
      return new Promise<void>((resolve) => out.end(resolve));
    },
  };
}
