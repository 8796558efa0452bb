// Runs an exercise: each step in order, printed as it goes, stopping at the first that fails; the
// cleanups an exercise registered (resume a frozen service, turn a fault off) run whatever happens.
import type { Targets } from './targets.js';

export interface StepContext {
  targets: Targets;
  /** A line under the current step (what was seen). */
  note(line: string): void;
  /** Runs after the exercise, pass or fail, in reverse order of registration. */
  cleanup(fn: () => Promise<void> | void, what: string): void;
}

export interface Step {
  /** What a person does or looks at, in the guide's words. */
  title: string;
  /** The command, query or URL of this step, as the guide quotes it. */
  command?: string;
  run(ctx: StepContext): Promise<void | string>;
}

export interface Exercise {
  id: number;
  title: string;
  /** The guide section that tells a person these steps. */
  guide: string;
  /** Needs Prometheus (`npm start -- --with-prometheus`). */
  needsPrometheus?: boolean;
  steps(targets: Targets): Step[];
}

export interface StepResult {
  title: string;
  ok: boolean;
  seconds: number;
  notes: string[];
  error?: string;
}

export interface ExerciseResult {
  id: number;
  title: string;
  pass: boolean;
  seconds: number;
  steps: StepResult[];
}

export type Print = (line: string) => void;

/** Performs every step of `exercise` against `targets`; never throws. */
export async function runExercise(
  exercise: Exercise,
  targets: Targets,
  print: Print = (line) => console.log(line),
): Promise<ExerciseResult> {
  const started = performance.now();
  const cleanups: { fn: () => Promise<void> | void; what: string }[] = [];
  const results: StepResult[] = [];
  print(`Exercise ${exercise.id}: ${exercise.title}`);
  print(`  guide: ${exercise.guide}`);
  const steps = exercise.steps(targets);
  for (const [index, step] of steps.entries()) {
    const notes: string[] = [];
    const t0 = performance.now();
    print(`  ${index + 1}. ${step.title}`);
    if (step.command) print(`     $ ${step.command}`);
    const ctx: StepContext = {
      targets,
      note: (line) => {
        notes.push(line);
        print(`       ${line}`);
      },
      cleanup: (fn, what) => cleanups.push({ fn, what }),
    };
    try {
      const summary = await step.run(ctx);
      if (summary) ctx.note(summary);
      const seconds = (performance.now() - t0) / 1000;
      results.push({ title: step.title, ok: true, seconds, notes });
      print(`     ok (${seconds.toFixed(1)} s)`);
    } catch (err) {
      const seconds = (performance.now() - t0) / 1000;
      const error = (err as Error).message;
      results.push({ title: step.title, ok: false, seconds, notes, error });
      print(`     FAILED (${seconds.toFixed(1)} s): ${error}`);
      break;
    }
  }
  for (const { fn, what } of cleanups.reverse()) {
    try {
      await fn();
      print(`  cleanup: ${what}`);
    } catch (err) {
      print(`  cleanup failed: ${what}: ${(err as Error).message}`);
    }
  }
  const pass = results.length === steps.length && results.every((r) => r.ok);
  const seconds = (performance.now() - started) / 1000;
  print(
    `${pass ? 'PASS' : 'FAIL'} exercise ${exercise.id} (${results.filter((r) => r.ok).length}/${steps.length} steps, ${seconds.toFixed(1)} s)`,
  );
  return { id: exercise.id, title: exercise.title, pass, seconds, steps: results };
}

/** Polls `fn` until it returns a value that is not undefined, or fails naming what it waited for. */
export async function waitUntil<T>(
  fn: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (err) {
      last = ` (last error: ${(err as Error).message})`;
    }
    if (Date.now() > deadline)
      throw new Error(`waited ${Math.round(timeoutMs / 1000)} s for ${what}${last}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
