// Child processes of the stack: output goes to a log file per service (so a long `npm start` does
// not hold logs in memory), readiness is an HTTP probe or a line in that log.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  /** When it was started (ms since the epoch). */
  startedAt: number;
  /** "code 1" or "signal SIGKILL", once it has exited. */
  exitReason(): string | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<number | null>;
  kill(): void;
  log(): string;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  readyUrl?: string;
  readyLine?: RegExp;
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startProcess(options: StartOptions): Promise<ManagedProcess> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  // The log is appended to across restarts; readiness lines count only from this start on.
  let logStart: number;
  try {
    logStart = statSync(options.logFile).size;
  } catch {
    logStart = 0;
  }
  const out = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  let exitCode: number | null | undefined;
  let exitSignal: string | null = null;
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code, signal) => {
      exitCode = code;
      exitSignal = signal;
      setTimeout(() => out.end(), 50);
      resolve(code);
    });
  });
  const log = () => {
    try {
      return readFileSync(options.logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const managed: ManagedProcess = {
    name: options.name,
    child,
    logFile: options.logFile,
    exited,
    startedAt: Date.now(),
    exitReason: () =>
      exitCode === undefined ? undefined : exitSignal ? `signal ${exitSignal}` : `code ${exitCode}`,
    log,
    kill: () => child.kill('SIGKILL'),
    async stop(graceMs = 10_000) {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exitCode !== undefined)
      throw new Error(
        `${options.name} exited with ${exitCode} before it was ready:\n${log().slice(-3000)}`,
      );
    if (options.readyLine && options.readyLine.test(log().slice(logStart))) return managed;
    if (options.readyUrl) {
      const ok = await fetch(options.readyUrl, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return managed;
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `${options.name} was not ready within ${options.timeoutMs ?? 60_000} ms:\n${log().slice(-3000)}`,
      );
    }
    await sleep(100);
  }
}
