// Running the replay CLI against a stack as an operator would (`npm run replay -- …`), with the
// telemetry preload pointed at the stack's console, and reading consumer-group offsets.
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import type kafkajs from 'kafkajs';
import type { Stack } from '../src/stack.js';
import { REPO_ROOT } from '../src/stack.js';

export interface CliRun<T = Record<string, unknown>> {
  code: number;
  stdout: string;
  stderr: string;
  json: T;
}

function cliEnv(stack: Stack): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KAFKA_BROKERS: stack.kafkaBrokers,
    REPLAY_DATA_DIR: join(stack.dataDir, 'replay'),
    OTEL_EXPORTER_OTLP_ENDPOINT: stack.otlpEndpoint,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    PAYMENT_URL: stack.urls.payment,
    INVENTORY_URL: stack.urls.inventory,
    ANALYTICS_URL: stack.urls.analytics,
  };
}

const CLI = () => [
  '--import',
  '@webstore/observability/register',
  join(REPO_ROOT, 'producers/replay/dist/cli.js'),
];

/**
 * Starts `replay <args>` (plain-line progress on stderr), sends it SIGINT once `interruptWhen`
 * matches its stderr, and resolves with its exit code and output.
 */
export function interruptedCli(
  stack: Stack,
  args: string[],
  interruptWhen: RegExp,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI(), ...args], {
      cwd: REPO_ROOT,
      env: cliEnv(stack),
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && interruptWhen.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `replay <args> --json` and resolves with its exit code and parsed output. */
export function replayCli<T = Record<string, unknown>>(
  stack: Stack,
  args: string[],
): Promise<CliRun<T>> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...CLI(), ...args, '--json'],
      { cwd: REPO_ROOT, timeout: 120_000, env: cliEnv(stack) },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        let json = {} as T;
        try {
          json = JSON.parse(stdout) as T;
        } catch {
          // Not JSON: the caller looks at stdout/stderr.
        }
        resolve({ code, stdout, stderr, json });
      },
    );
  });
}

/** Committed offsets of a group per `topic/partition`. */
export async function committed(
  kafka: kafkajs.Kafka,
  group: string,
  topics: string[],
): Promise<Record<string, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const result: Record<string, string> = {};
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId: group, topics }))
      for (const p of partitions) result[`${topic}/${p.partition}`] = p.offset;
    return result;
  } finally {
    await admin.disconnect();
  }
}

/** High watermarks per `topic/partition`. */
export async function highWatermarks(
  kafka: kafkajs.Kafka,
  topics: string[],
): Promise<Record<string, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const result: Record<string, string> = {};
    for (const topic of topics)
      for (const p of await admin.fetchTopicOffsets(topic))
        result[`${topic}/${p.partition}`] = p.high;
    return result;
  } finally {
    await admin.disconnect();
  }
}

/** A group's total lag over the topics (nothing committed counts from the log start). */
export async function lagOf(
  kafka: kafkajs.Kafka,
  group: string,
  topics: string[],
): Promise<number> {
  const [offsets, high] = await Promise.all([
    committed(kafka, group, topics),
    highWatermarks(kafka, topics),
  ]);
  let lag = 0;
  for (const [tp, h] of Object.entries(high)) {
    const c = Number(offsets[tp] ?? -1);
    lag += Math.max(0, Number(h) - Math.max(0, c));
  }
  return lag;
}
