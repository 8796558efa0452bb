#!/usr/bin/env node
// `npm run exercise -- <n>`: performs the learning path's exercise n against the running stack and
// checks what its guide promises; exit 0 on PASS, 1 on FAIL, 2 on bad usage.
import { parseArgs } from 'node:util';
import { EXERCISES } from './exercises/index.js';
import { runExercise } from './runner.js';
import { TargetError, targetsFromEnv, targetVariables } from './targets.js';

const USAGE = `Usage: npm run exercise -- <n>|all [--list]

Performs a learning-path exercise (docs/learn/) against the running stack (\`npm start\`; the alert
exercise needs \`npm start -- --with-prometheus\`) through its public interfaces, prints each step
and PASS or FAIL.

${EXERCISES.map((e) => `  ${e.id}  ${e.title}${e.needsPrometheus ? ' (needs Prometheus)' : ''}`).join('\n')}

  all     every exercise in order
  --list  list the exercises and their guides

Targets (defaults are npm start's): ${Object.values(targetVariables).join(', ')}.
The fault switches (exercises 7 and 8) and the console's replay API (8 and 9) use ADMIN_TOKEN,
default the demo admin token.`;

function usage(message: string): never {
  console.error(`exercise: ${message}\n\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    allowPositionals: true,
    options: {
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (err) {
  usage((err as Error).message);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values.list) {
  for (const e of EXERCISES) console.log(`${e.id}  ${e.title}\n   ${e.guide}`);
  process.exit(0);
}
if (positionals.length !== 1) usage('name one exercise number, or all');
const which = positionals[0]!;
const chosen = which === 'all' ? EXERCISES : EXERCISES.filter((e) => String(e.id) === which);
if (chosen.length === 0)
  usage(`no exercise "${which}": choose ${EXERCISES.map((e) => e.id).join(', ')} or all`);

let targets;
try {
  targets = targetsFromEnv();
} catch (err) {
  if (!(err instanceof TargetError)) throw err;
  usage(err.message);
}
const results = [];
for (const exercise of chosen) {
  results.push(await runExercise(exercise, targets));
  console.log('');
}
if (results.length > 1)
  for (const r of results)
    console.log(`${r.pass ? 'PASS' : 'FAIL'}  ${r.id}  ${r.title}  (${r.seconds.toFixed(1)} s)`);
process.exit(results.every((r) => r.pass) ? 0 : 1);
