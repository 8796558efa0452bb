// Loads an order's trace from the console (through the store's server) for the journey page. The
// services export in batches, so the trace fills in over a few seconds: it is read again until it
// stops growing (or a deadline), and the page shows what has arrived.
import { api, type ApiError } from './api.js';
import { hopsOf, spansOf, type Hop, type TraceSpan } from './trace.js';

const INTERVAL_MS = 1500;
const MAX_READS = 12;

export function createTraceLoader() {
  let spans = $state<TraceSpan[]>([]);
  let hops = $state<Hop[]>([]);
  let error = $state('');
  let loading = $state(false);
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function read(traceId: string, reads: number, stable: number): Promise<void> {
    try {
      const next = spansOf(await api.trace(traceId));
      const grew = next.length !== spans.length;
      spans = next;
      hops = hopsOf(next);
      error = '';
      stable = grew ? 0 : stable + 1;
    } catch (e) {
      // 404: nothing has arrived yet; anything else is worth saying.
      if ((e as ApiError).status !== 404) error = (e as Error).message;
    }
    if (reads + 1 < MAX_READS && stable < 2)
      timer = setTimeout(() => void read(traceId, reads + 1, stable), INTERVAL_MS);
    else loading = false;
  }

  return {
    get spans() {
      return spans;
    },
    get hops() {
      return hops;
    },
    get error() {
      return error;
    },
    get loading() {
      return loading;
    },
    load(traceId: string) {
      clearTimeout(timer);
      loading = true;
      void read(traceId, 0, 0);
    },
    stop() {
      clearTimeout(timer);
    },
  };
}

export type TraceLoader = ReturnType<typeof createTraceLoader>;
