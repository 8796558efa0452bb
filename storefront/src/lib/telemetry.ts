// Browser tracing without its weight on first paint: the OpenTelemetry Web SDK is a separate chunk
// (tracing.ts), imported once the page has painted and the browser is idle, and only when the
// store's server forwards browser telemetry. Until then (or without it) `traced` just runs.
import { api } from './api.js';
import type * as TracingModule from './tracing.js';

type Tracing = typeof TracingModule;
type Attributes = Record<string, string | number | boolean>;
let tracing: Tracing | undefined;

function afterFirstPaint(run: () => void): void {
  requestAnimationFrame(() =>
    setTimeout(() => {
      if ('requestIdleCallback' in window) requestIdleCallback(run, { timeout: 2000 });
      else run();
    }, 0),
  );
}

/** Loads and starts the Web SDK after first paint; `<html data-telemetry>` says how it went. */
export function startTelemetry(sessionId: string): void {
  const state = (value: string) => (document.documentElement.dataset.telemetry = value);
  afterFirstPaint(() => {
    void api
      .config()
      .then(async (config) => {
        if (!config.telemetry) return state('off');
        const module = await import('./tracing.js');
        module.start({ sessionId });
        tracing = module;
        state('on');
      })
      .catch(() => state('failed'));
  });
}

/**
 * Runs `fn` inside a new browser span, so the fetches it starts carry its `traceparent`. The fetch
 * must start synchronously inside `fn` (before its first await) to be the span's child.
 */
export function traced<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  return tracing ? tracing.traced(name, attributes, fn) : fn();
}
