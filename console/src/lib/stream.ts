// The console's live stream (/api/stream, SSE). EventSource reconnects by itself; `onOpen` runs on
// every (re)connect so a page can reload what it missed (events are not replayed).
import { queryString, type LogEntry, type Query, type TraceSummary } from './api.js';

export interface StreamHandlers {
  onTrace?: (t: TraceSummary) => void;
  onLog?: (l: LogEntry) => void;
  onOpen?: () => void;
  onState?: (live: boolean) => void;
}

/** Opens the stream; returns the function that closes it. */
export function openStream(query: Query, handlers: StreamHandlers): () => void {
  const source = new EventSource(`/api/stream${queryString(query)}`);
  let opened = false;
  source.onopen = () => {
    handlers.onState?.(true);
    // The first open follows the page's own load; a later one is a reconnect.
    if (opened) handlers.onOpen?.();
    opened = true;
  };
  source.onerror = () => handlers.onState?.(false);
  source.addEventListener('trace', (e) =>
    handlers.onTrace?.(JSON.parse((e as MessageEvent<string>).data) as TraceSummary),
  );
  source.addEventListener('log', (e) =>
    handlers.onLog?.(JSON.parse((e as MessageEvent<string>).data) as LogEntry),
  );
  return () => source.close();
}
