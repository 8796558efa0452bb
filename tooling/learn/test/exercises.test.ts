// The learning path, checked: a fresh local stack (console and Prometheus, as
// `npm start -- --with-prometheus` runs it) and every exercise through the same runner code as
// `npm run exercise`, then every query, URL and command quoted in docs/learn/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '@webstore/stack';
import { readFileSync } from 'node:fs';
import { runTraffic, scenarios } from '@webstore/traffic';
import { EXERCISES } from '../src/exercises/index.js';
import { consoleApi } from '../src/http.js';
import { runExercise, waitUntil, type ExerciseResult } from '../src/runner.js';
import type { Targets } from '../src/targets.js';
import {
  anchorsOf,
  blocks,
  brokenLinks,
  checkFullStack,
  checkNpm,
  commands,
  guides,
  hasData,
  knownFullStackName,
  LEARN,
  metricNames,
  NOT_RUN,
  rewritePorts,
  ROOT,
  sh,
  type Urls,
} from './docs-check.js';

let stack: Stack;
let dataDir: string;
let targets: Targets;
const started = performance.now();

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'learn-'));
  stack = await startStack({
    dataDir,
    console: true,
    storefront: true,
    prometheus: { scrapeIntervalSeconds: 1 },
    // Export often, so what a person sees within seconds arrives within a second here.
    env: {
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BLRP_SCHEDULE_DELAY: '200',
      PAYMENT_LATENCY_MS: '5',
    },
  });
  const { urls } = stack;
  targets = {
    gateway: urls.gateway,
    console: urls.console!,
    inventory: urls.inventory,
    payment: urls.payment,
    analytics: urls.analytics,
    prometheus: urls.prometheus!,
    otlpEndpoint: stack.otlpEndpoint!,
  };
});

afterAll(async () => {
  // Exercise 5 freezes payment; a frozen process would not see the stop signal.
  const payment = stack?.process('payment')?.child.pid;
  if (payment) process.kill(payment, 'SIGCONT');
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  console.log(`learning path test: ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

async function run(id: number): Promise<ExerciseResult & { output: string }> {
  const exercise = EXERCISES.find((e) => e.id === id)!;
  const lines: string[] = [];
  const result = await runExercise(exercise, targets, (line) => lines.push(line));
  const output = lines.join('\n');
  console.log(output);
  return { ...result, output };
}

describe('the learning path exercises on a fresh local stack', () => {
  it('numbers the exercises 1 to 10', () => {
    expect(EXERCISES.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('exercise 1 passes', async () => {
    const result = await run(1);
    expect(result.pass, result.output).toBe(true);
  });

  // One order of its own (10) disturbs nothing exercise 2 looks for (Brazil's declines).
  it('exercises 2 and 10 pass, side by side', async () => {
    const [two, ten] = await Promise.all([run(2), run(10)]);
    expect(two.pass, two.output).toBe(true);
    expect(ten.pass, ten.output).toBe(true);
  });

  // 8 breaks payment's StockReserved handler for a while: nothing else may order meanwhile.
  for (const id of [3, 4, 6, 8]) {
    it(`exercise ${id} passes`, async () => {
      const result = await run(id);
      expect(result.pass, result.output).toBe(true);
    });
  }

  // Freezing payment (5) takes two minutes of silence; meanwhile inventory is slowed (7), which
  // does not need payment, so the two run side by side; once 7 is over, the payments topic is
  // replayed (9): its consumers are inventory, the gateway and analytics, and with payment
  // frozen no new payment outcome can move the revenue 9 proves unchanged.
  it('exercises 5 and 7 pass side by side, then 9 while 5 still waits', async () => {
    const [five, [seven, nine]] = await Promise.all([
      run(5),
      run(7).then(async (seven) => [seven, await run(9)] as const),
    ]);
    expect(five.pass, five.output).toBe(true);
    expect(seven.pass, seven.output).toBe(true);
    expect(nine.pass, nine.output).toBe(true);
  });
});

describe('docs/learn: every quoted command, query and URL', () => {
  it('quotes each exercise step word for word in the guide the exercise names', () => {
    const missing: string[] = [];
    for (const exercise of EXERCISES) {
      const [path, anchor] = exercise.guide.split('#');
      const text = readFileSync(join(ROOT, path!), 'utf8');
      if (!anchorsOf(join(ROOT, path!)).has(anchor!))
        missing.push(`${exercise.guide}: no such heading`);
      for (const step of exercise.steps(targets))
        if (step.command && !text.includes(step.command))
          missing.push(`exercise ${exercise.id}: ${step.command}`);
    }
    expect(missing).toEqual([]);
  });

  it('links to files and headings that exist (docs/replay.md lands with the replay tool)', () => {
    expect(guides().length).toBe(11);
    expect(brokenLinks(['docs/replay.md'])).toEqual([]);
  });

  it('runs every local command, URL and query against the stack, and checks the full-stack ones', async () => {
    // Fresh traffic, so every window a query names has data.
    await runTraffic({
      url: stack.urls.gateway,
      users: 4,
      durationSeconds: 5,
      scenario: scenarios['brazil-outage']!,
      seed: 5,
      drainSeconds: 10,
    });
    const urls: Urls = {
      ...targets,
      storefront: stack.urls.storefront,
      alertmanager: stack.urls.alertmanager,
    };
    const api = consoleApi(targets.console);
    const trace = await waitUntil(async () => {
      const traces = await api.traces('topic=webstore.payments.v1&limit=20');
      return traces.find((t) => t.topics.length >= 3 && !t.incomplete);
    }, 'a complete order trace');
    const placeholders: Record<string, string> = { '<traceId>': trace.traceId };
    const fill = (command: string) =>
      command.replace(/<(traceId|orderId)>/g, (p) => {
        if (!placeholders[p]) throw new Error(`${p} is used before a command produced it`);
        return placeholders[p];
      });
    const failures: string[] = [];
    const counts: Record<string, number> = {};
    const count = (kind: string) => (counts[kind] = (counts[kind] ?? 0) + 1);
    for (const file of guides()) {
      for (const block of blocks(file)) {
        const where = `${file}:${block.line}`;
        try {
          if (block.lang === 'bash' && block.fullStack) {
            for (const command of commands(block.body)) {
              await checkFullStack(command);
              count('full-stack commands (static)');
            }
          } else if (block.lang === 'bash') {
            for (const command of commands(block.body)) {
              const program = command.replace(/^([A-Z_]+=\S+\s+)+/, '').split(/\s+/)[0]!;
              if (program === 'npm') {
                await checkNpm(command);
                count('npm commands');
              } else if (program === 'curl') {
                const run = `${rewritePorts(fill(command), urls)} -w '\\n%{http_code}'`;
                const body = await waitUntil(
                  async () => {
                    const { code, stdout } = await sh(run);
                    const lines = stdout.trimEnd().split('\n');
                    const status = Number(lines.pop());
                    if (code !== 0 || status < 200 || status >= 300)
                      throw new Error(
                        `exit ${code}, HTTP ${status}: ${lines.join('\n').slice(0, 200)}`,
                      );
                    const text = lines.join('\n');
                    const parsed = /^\s*[[{]/.test(text) ? (JSON.parse(text) as unknown) : text;
                    return typeof parsed === 'string' || block.mayBeEmpty || hasData(parsed)
                      ? parsed
                      : undefined;
                  },
                  `${command} to answer 2xx with data`,
                  20_000,
                );
                const ids = body as { orderId?: string };
                if (typeof ids === 'object' && ids.orderId) placeholders['<orderId>'] = ids.orderId;
                count('curl commands (run)');
              } else if (program === 'node') {
                const { code, stderr } = await sh(rewritePorts(command, urls));
                if (code !== 0) throw new Error(`${command}: exit ${code} ${stderr.slice(-300)}`);
                count('node commands (run)');
              } else if (NOT_RUN.includes(program)) {
                count(`not run: ${program}`);
              } else throw new Error(`a command this check does not know: ${command}`);
            }
          } else if (block.lang === 'promql' && block.fullStack) {
            const unknown = metricNames(block.body).filter((n) => !knownFullStackName(n));
            if (unknown.length) throw new Error(`unknown metrics ${unknown.join(', ')}`);
            count('full-stack PromQL (metric names)');
          } else if (block.lang === 'promql') {
            await waitUntil(
              async () => {
                const r = await fetch(
                  `${targets.prometheus}/api/v1/query?query=${encodeURIComponent(block.body)}`,
                );
                const json = (await r.json()) as {
                  status: string;
                  error?: string;
                  data?: { result: unknown[] };
                };
                if (json.status !== 'success') throw new Error(json.error);
                return block.mayBeEmpty || json.data!.result.length > 0 ? true : undefined;
              },
              `${block.body} to return data`,
              30_000,
            );
            count('PromQL (run)');
          } else if (block.lang === 'logql' || block.lang === 'traceql') {
            count(`${block.lang} (full stack only, not run)`);
          }
        } catch (err) {
          failures.push(`${where}: ${(err as Error).message}`);
        }
      }
    }
    console.log(`docs/learn (${LEARN}) checked:`, counts);
    expect(failures).toEqual([]);
    expect(counts['curl commands (run)']).toBeGreaterThan(30);
    expect(counts['PromQL (run)']).toBeGreaterThan(5);
  });
});
