#!/usr/bin/env node
// `npm run replay -- <command>`: parses flags, connects, runs one command, prints the result.
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import kafkajs from 'kafkajs';
import { onFinalShutdown, onShutdown, shutdown } from '@webstore/observability/lifecycle';
import { personaByToken } from '@webstore/schemas';
import { openAuditTrail } from './audit.js';
import { runCommand } from './commands.js';
import { ReplayError } from './errors.js';
import { formatList, formatRecord, formatResult } from './format.js';
import { parseCli, type CliInvocation } from './options.js';
import type { Progress } from './republish.js';

let cli: CliInvocation;
try {
  cli = parseCli(process.argv.slice(2));
} catch (err) {
  console.error(`replay: ${(err as Error).message}`);
  process.exit(2);
}
if (cli.command === 'help') {
  console.log(cli.help);
  process.exit(0);
}

const token = cli.token ?? process.env.WEBSTORE_TOKEN ?? 'admin-token-456';
const persona = personaByToken(token);
const operator = cli.operator ?? (persona ? `${persona.name} (${persona.role})` : 'unknown token');
const dataDir = cli.dataDir ?? process.env.REPLAY_DATA_DIR ?? '.data/replay';
const audit = openAuditTrail(join(dataDir, 'replays.db'));
const print = (value: unknown, text: () => string) =>
  console.log(cli.json ? JSON.stringify(value, null, 2) : text());

if (cli.command === 'list' || cli.command === 'show') {
  if (cli.command === 'list') {
    const records = audit.list(cli.limit ?? 50);
    print(records, () => formatList(records));
  } else {
    const record = audit.get(cli.id!);
    if (!record) {
      console.error(`replay: no replay with id ${cli.id}`);
      process.exit(1);
    }
    print(record, () => formatRecord(record));
  }
  audit.close();
  process.exit(0);
}

const request = cli.request!;
if (request.execute && persona?.role !== 'admin') {
  console.error('replay: --execute needs the admin token (--token or $WEBSTORE_TOKEN)');
  process.exit(2);
}
const kafka = new kafkajs.Kafka({
  clientId: 'webstore-replay',
  brokers: (cli.brokers ?? process.env.KAFKA_BROKERS ?? 'localhost:9092').split(','),
  logLevel: kafkajs.logLevel.NOTHING,
  retry: { retries: 3 },
});
const admin = kafka.admin();
const abort = new AbortController();
let finished!: () => void;
const done = new Promise<void>((resolve) => (finished = resolve));
// Ctrl-C (SIGINT/SIGTERM): stop after the current record, record where it stopped, flush telemetry.
let over = false;
onShutdown(async () => {
  if (over) return;
  if (!abort.signal.aborted)
    console.error('replay: stopping after the current record; continue later with --resume ID');
  abort.abort();
  await done;
}, 'replay');

const tty = process.stderr.isTTY === true && !cli.json;
let bar: SingleBar | undefined;
let lastLine = 0;
const onProgress = (p: Progress) => {
  if (tty) {
    bar ??= new SingleBar({
      format: '{bar} {value}/{total} {percentage}% | {rate}/s | eta {eta}s',
      hideCursor: true,
      stream: process.stderr,
    });
    if (!bar.isActive) bar.start(p.total, 0, { rate: 0 });
    bar.update(p.done, { rate: Math.round(p.done / Math.max(1, (Date.now() - started) / 1000)) });
  } else if (!cli.json && (Date.now() - lastLine > 1000 || p.done === p.total)) {
    lastLine = Date.now();
    console.error(`replay ${p.replayId}: ${p.done}/${p.total}`);
  }
};
const started = Date.now();

let code = 0;
// The last step of any shutdown (after the telemetry flush): exit with this command's code, also
// when Ctrl-C started the shutdown.
onFinalShutdown(() => process.exit(code));
try {
  await admin.connect();
  const result = await runCommand(
    {
      kafka,
      admin,
      audit,
      operator,
      token,
      signal: abort.signal,
      onProgress,
      env: process.env,
      onStart: (r) => {
        if (!cli.json) console.error(`replay ${r.id} started`);
      },
    },
    request,
  );
  bar?.stop();
  print(result, () => formatResult(result));
  if ('status' in result && result.status === 'interrupted') code = 130;
} catch (err) {
  bar?.stop();
  if (err instanceof ReplayError) {
    if (cli.json)
      console.log(
        JSON.stringify(
          { error: err.code, status: err.status, detail: err.message, ...err.extra },
          null,
          2,
        ),
      );
    console.error(`replay: ${err.message}`);
    code = err.status >= 500 ? 1 : 2;
  } else {
    console.error(`replay: ${(err as Error).message}`);
    code = 1;
  }
} finally {
  await admin.disconnect().catch(() => undefined);
  audit.close();
  over = true;
  finished();
}
// Flushes the replay's spans (the preload's finalizer) before exiting.
await shutdown();
process.exit(code);
