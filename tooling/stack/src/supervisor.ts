// Restarts a stack process that dies on its own, with backoff, and says so on the terminal.
// A process stopped or killed on purpose (stopService/killService) is left alone until it is
// started again.
import type { ManagedProcess } from './processes.js';

export interface SupervisorOptions {
  /** First restart delay (default 1 s); doubles per consecutive crash up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A process that ran this long before dying starts again from the first delay (default 30 s). */
  stableAfterMs?: number;
  report: (message: string) => void;
}

export interface Supervisor {
  /** Restarts `managed` with `restart` whenever it exits on its own. */
  watch(name: string, managed: ManagedProcess, restart: () => Promise<ManagedProcess>): void;
  /** Stops watching `name` (it is being stopped on purpose) and cancels a pending restart. */
  suspend(name: string): void;
  /** Total restarts of `name` so far. */
  restarts(name: string): number;
  stop(): void;
}

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const initial = options.initialBackoffMs ?? 1_000;
  const max = options.maxBackoffMs ?? 30_000;
  const stableAfter = options.stableAfterMs ?? 30_000;
  const watched = new Map<string, ManagedProcess>();
  const timers = new Map<string, NodeJS.Timeout>();
  const crashes = new Map<string, number>();
  const total = new Map<string, number>();
  let stopped = false;

  function scheduleRestart(name: string, restart: () => Promise<ManagedProcess>, why: string) {
    const consecutive = (crashes.get(name) ?? 0) + 1;
    crashes.set(name, consecutive);
    const delay = Math.min(max, initial * 2 ** (consecutive - 1));
    const count = (total.get(name) ?? 0) + 1;
    total.set(name, count);
    options.report(`${why}; restarting in ${(delay / 1000).toFixed(1)} s (restart ${count})`);
    const timer = setTimeout(() => {
      timers.delete(name);
      const began = Date.now();
      restart().then(
        (next) => {
          if (stopped || watched.get(name) === undefined) return;
          options.report(
            `${name} restarted and ready in ${((Date.now() - began) / 1000).toFixed(1)} s (restart ${count})`,
          );
          supervisor.watch(name, next, restart);
        },
        (err: Error) => {
          if (stopped || watched.get(name) === undefined) return;
          scheduleRestart(
            name,
            restart,
            `${name} failed to start again: ${err.message.split('\n')[0]}`,
          );
        },
      );
    }, delay);
    timer.unref();
    timers.set(name, timer);
  }

  const supervisor: Supervisor = {
    watch(name, managed, restart) {
      if (stopped) return;
      watched.set(name, managed);
      void managed.exited.then(() => {
        if (stopped || watched.get(name) !== managed) return;
        const ranMs = Date.now() - managed.startedAt;
        if (ranMs >= stableAfter) crashes.set(name, 0);
        scheduleRestart(
          name,
          restart,
          `${name} exited (${managed.exitReason()}) after ${(ranMs / 1000).toFixed(1)} s`,
        );
      });
    },
    suspend(name) {
      watched.delete(name);
      clearTimeout(timers.get(name));
      timers.delete(name);
    },
    restarts: (name) => total.get(name) ?? 0,
    stop() {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      watched.clear();
    },
  };
  return supervisor;
}
