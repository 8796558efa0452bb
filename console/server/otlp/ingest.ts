// One export request, whatever its transport: decode into records, hand them to the writer, and
// say what was rejected. Both receivers call this.
import type { Writer } from '../store/writer.js';
import { decodeLogs, decodeMetrics, decodeTraces } from './decode.js';
import type { Signal } from './proto.js';
import type { Loose } from './values.js';

export interface IngestResult {
  accepted: number;
  rejected: number;
  errorMessage: string;
}

export type Ingest = (signal: Signal, request: Loose) => Promise<IngestResult>;

/** Throws InvalidItem for a body that is not an export request at all. */
export function createIngest(writer: Writer): Ingest {
  return async (signal, request) => {
    if (signal === 'traces') {
      const out = decodeTraces(request);
      await writer.write(out.records, [], []);
      return {
        accepted: out.records.length,
        rejected: out.rejected,
        errorMessage: out.errorMessage,
      };
    }
    if (signal === 'logs') {
      const out = decodeLogs(request);
      await writer.write([], out.records, []);
      return {
        accepted: out.records.length,
        rejected: out.rejected,
        errorMessage: out.errorMessage,
      };
    }
    const out = decodeMetrics(request);
    await writer.write([], [], out.records);
    return { accepted: out.records.length, rejected: out.rejected, errorMessage: out.errorMessage };
  };
}
