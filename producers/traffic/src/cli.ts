#!/usr/bin/env node
import { parseOptions, UsageError, USAGE, type CliOptions } from './options.js';
import { formatSummary, progressLine } from './report.js';
import { runTraffic } from './runner.js';

let parsed: CliOptions | 'help';
try {
  parsed = parseOptions(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  console.error(`traffic: ${err.message}\n\n${USAGE}`);
  process.exit(2);
}
if (parsed === 'help') {
  console.log(USAGE);
  process.exit(0);
}
const options: CliOptions = parsed;

const { scenario, url } = options;
const tty = process.stderr.isTTY === true;
const abort = new AbortController();
process.once('SIGINT', () => abort.abort());

async function setFault(delayMs: number): Promise<void> {
  if (!scenario.slowConsumer) return;
  // The fault switch is an admin route: the operator's ADMIN_TOKEN (the demo one by default).
  const adminToken = process.env.ADMIN_TOKEN || 'admin-token-456';
  const response = await fetch(`${url}/api/admin/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ slowConsumer: { service: scenario.slowConsumer.service, delayMs } }),
  }).catch((err: Error) => ({ ok: false, status: err.message }) as const);
  if (!response.ok)
    console.error(
      `traffic: could not set the ${scenario.slowConsumer.service} delay to ${delayMs} ms (${response.status})`,
    );
  else if (!options.json)
    console.error(`traffic: ${scenario.slowConsumer.service} slowed by ${delayMs} ms per message`);
}

const reachable = await fetch(`${url}/healthz`).then(
  (r) => r.ok,
  () => false,
);
if (!reachable) {
  console.error(
    `traffic: the gateway at ${url} does not answer /healthz (is \`npm start\` running? use --url)`,
  );
  process.exit(1);
}
await setFault(scenario.slowConsumer?.delayMs ?? 0);
let lastLine = 0;
try {
  const summary = await runTraffic({
    ...options,
    signal: abort.signal,
    onTick: (stats, elapsed) => {
      if (options.json) return;
      if (tty) process.stderr.write(`\r${progressLine(stats, elapsed, options.durationSeconds)}`);
      else if (elapsed - lastLine >= 5) {
        lastLine = elapsed;
        process.stderr.write(`${progressLine(stats, elapsed, options.durationSeconds)}\n`);
      }
    },
  });
  if (tty && !options.json) process.stderr.write('\n');
  console.log(options.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
} finally {
  await setFault(0);
}
