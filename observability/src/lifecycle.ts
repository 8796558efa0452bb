// Graceful shutdown for every service. Hooks run one after another in registration order on
// SIGTERM/SIGINT (close servers, drain consumers), then the telemetry flush that the preload
// registered runs last, so spans and logs written by the hooks are exported too.
//
// State lives on globalThis so the preload and the service share it even if this module is
// loaded twice (e.g. once through the loader hook and once directly).

export type ShutdownHook = () => void | Promise<void>;

/** How long one shutdown step may take before the next one runs anyway. */
export const DEFAULT_STEP_TIMEOUT_MS = 5_000;

interface LifecycleState {
  hooks: { name: string; fn: ShutdownHook; timeoutMs: number }[];
  finalizers: ShutdownHook[];
  signalsInstalled: boolean;
  beforeExitInstalled: boolean;
  running: Promise<boolean> | undefined;
}

const KEY = Symbol.for('webstore.observability.lifecycle');
const holder = globalThis as typeof globalThis & { [KEY]?: LifecycleState };
const state: LifecycleState = (holder[KEY] ??= {
  hooks: [],
  finalizers: [],
  signalsInstalled: false,
  beforeExitInstalled: false,
  running: undefined,
});

/**
 * Registers `fn` to run on SIGTERM/SIGINT (in registration order, each awaited) before the
 * telemetry flush and `process.exit`. A step still running after `timeoutMs` is reported and left
 * behind, so one stuck step cannot keep the process alive. Works with or without the preload.
 * Returns an unregister function.
 */
export function onShutdown(
  fn: ShutdownHook,
  name = fn.name || `hook ${state.hooks.length + 1}`,
  timeoutMs = DEFAULT_STEP_TIMEOUT_MS,
): () => void {
  const entry = { name, fn, timeoutMs };
  state.hooks.push(entry);
  installSignalHandlers();
  return () => {
    const index = state.hooks.indexOf(entry);
    if (index >= 0) state.hooks.splice(index, 1);
  };
}

/**
 * For the preload: runs after every `onShutdown` hook (the SDK flush). It also runs when the
 * process is about to exit on its own (empty event loop, e.g. a one-shot script), where the
 * batched spans would otherwise be lost; hooks are skipped then, there is nothing left to close.
 */
export function onFinalShutdown(fn: ShutdownHook): void {
  state.finalizers.push(fn);
  installSignalHandlers();
  if (!state.beforeExitInstalled) {
    state.beforeExitInstalled = true;
    process.once('beforeExit', () => {
      state.running ??= runFinalizers().then(() => true);
    });
  }
}

/**
 * Runs every hook, then the finalizers, once; later calls return the same promise.
 * Resolves true when all hooks succeeded. Does not exit the process.
 */
export function shutdown(): Promise<boolean> {
  state.running ??= runAll();
  return state.running;
}

async function runAll(): Promise<boolean> {
  let ok = true;
  for (const { name, fn, timeoutMs } of [...state.hooks]) {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      if ((await Promise.race([Promise.resolve().then(fn), timedOut])) === 'timeout') {
        ok = false;
        process.stderr.write(
          `shutdown hook "${name}" did not finish within ${timeoutMs} ms; continuing\n`,
        );
      }
    } catch (error) {
      ok = false;
      // Logged here because this is where the failure is handled; the exit code reports it too.
      process.stderr.write(`shutdown hook "${name}" failed: ${describe(error)}\n`);
    } finally {
      clearTimeout(timer);
    }
  }
  await runFinalizers();
  return ok;
}

async function runFinalizers(): Promise<void> {
  for (const fn of [...state.finalizers]) {
    try {
      await fn();
    } catch {
      // The telemetry flush reports nothing: a missing collector must not make shutdown noisy.
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Installs the SIGTERM/SIGINT handlers once: first signal shuts down and exits, a second forces exit. */
export function installSignalHandlers(): void {
  if (state.signalsInstalled) return;
  state.signalsInstalled = true;
  let received = 0;
  const handle = (signal: NodeJS.Signals) => {
    received += 1;
    if (received > 1) {
      process.stderr.write(`received ${signal} again during shutdown, exiting now\n`);
      process.exit(1);
    }
    void shutdown().then((ok) => process.exit(ok ? 0 : 1));
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
