import { spawn, type ChildProcess } from 'node:child_process';

export interface SpawnServiceOptions {
  command: string;
  args?: readonly string[];
  /** Added to the parent's environment; a value of `undefined` removes the variable. */
  env?: Record<string, string | undefined>;
  /** Start from an empty environment instead of the parent's (default true = inherit). */
  inheritEnv?: boolean;
  cwd?: string;
  /** Ready once a line of stdout or stderr matches. */
  readyLine?: RegExp;
  /** Ready once a GET of this URL answers 2xx. */
  readyUrl?: string;
  /** How long to wait for readiness (default 20 000 ms). */
  timeoutMs?: number;
  /** How long `stop()` waits after the signal before SIGKILL (default 5 000 ms). */
  stopGraceMs?: number;
}

export interface SpawnedService {
  readonly child: ChildProcess;
  /** stdout and stderr so far, interleaved in arrival order. */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Complete lines of `output()`. */
  lines(): string[];
  /** The exit code once exited (null while running or when killed by a signal). */
  readonly exitCode: number | null;
  /** Resolves with the exit code (null if ended by a signal) when the process exits. */
  readonly exited: Promise<number | null>;
  /** Sends `signal`, waits for the exit, and SIGKILLs after the grace period. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** SIGKILL without waiting. */
  kill(): void;
}

/**
 * Starts a process, captures its output, and resolves once it is ready (a matching line and/or a
 * 2xx from `readyUrl`). Rejects with the captured output if it exits or times out first.
 */
export async function spawnService(options: SpawnServiceOptions): Promise<SpawnedService> {
  const { command, args = [], cwd, readyLine, readyUrl, timeoutMs = 20_000 } = options;
  const stopGraceMs = options.stopGraceMs ?? 5_000;
  const env: Record<string, string> = {};
  const base = options.inheritEnv === false ? {} : process.env;
  for (const [key, value] of Object.entries({ ...base, ...options.env })) {
    if (value !== undefined) env[key] = value;
  }
  const child = spawn(command, [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let all = '';
  let out = '';
  let err = '';
  let lineMatched = readyLine === undefined;
  let pending = '';
  const onChunk = (stream: 'out' | 'err') => (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    all += text;
    if (stream === 'out') out += text;
    else err += text;
    if (!lineMatched && readyLine) {
      pending += text;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      if (parts.some((line) => readyLine.test(line))) lineMatched = true;
    }
  };
  child.stdout.on('data', onChunk('out'));
  child.stderr.on('data', onChunk('err'));
  let exitCode: number | null = null;
  let hasExited = false;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      hasExited = true;
      resolve(code);
    });
    child.once('error', (error) => {
      all += `\n[spawn error] ${error.message}\n`;
      hasExited = true;
      resolve(null);
    });
  });

  const service: SpawnedService = {
    child,
    output: () => all,
    stdout: () => out,
    stderr: () => err,
    lines: () => all.split('\n').filter((line) => line.length > 0),
    get exitCode() {
      return exitCode;
    },
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (hasExited) return exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    kill() {
      if (!hasExited) child.kill('SIGKILL');
    },
  };

  const describe = () => `${command} ${args.join(' ')}`;
  const deadline = Date.now() + timeoutMs;
  let urlReady = readyUrl === undefined;
  while (!(lineMatched && urlReady)) {
    if (hasExited) {
      throw new Error(
        `${describe()} exited with ${String(exitCode)} before it was ready. Output:\n${all}`,
      );
    }
    if (Date.now() >= deadline) {
      service.kill();
      await exited;
      throw new Error(`${describe()} was not ready within ${timeoutMs} ms. Output:\n${all}`);
    }
    if (!urlReady && readyUrl) urlReady = await answersOk(readyUrl);
    if (!(lineMatched && urlReady)) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return service;
}

async function answersOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}
