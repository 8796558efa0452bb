// Summarises the V8 CPU profiles a `bench/e2e.js --profile DIR` run left: the functions with the
// most self time per service (what docs/performance.md lists).
//   node bench/profile.js DIR [--top 12] [--json]
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '12' }, json: { type: 'boolean', default: false } },
});
if (positionals.length !== 1) {
  console.error('usage: node bench/profile.js DIR [--top N] [--json]');
  process.exit(2);
}
const TOP = Number(values.top);
const root = positionals[0];
const REPO = new URL('../../..', import.meta.url).pathname;

function where(frame) {
  if (!frame.url) return '';
  const path = frame.url.replace(/^file:\/\//, '');
  const short = path.includes('/node_modules/')
    ? path.slice(path.lastIndexOf('/node_modules/') + 14)
    : relative(REPO, path);
  return `${short}:${frame.lineNumber + 1}`;
}

/** Self time per function (ms) from a .cpuprofile. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const frame = byId.get(id).callFrame;
    const key = `${frame.functionName || '(anonymous)'} ${where(frame)}`.trim();
    totals.set(key, (totals.get(key) ?? 0) + dt);
    all += dt;
  });
  const idle = totals.get('(idle)') ?? 0;
  const busy = all - idle;
  const top = [...totals]
    .filter(([k]) => k !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .map(([fn, ms]) => ({ fn, ms: Math.round(ms), share: +((100 * ms) / busy).toFixed(1) }));
  return { busyMs: Math.round(busy), idleMs: Math.round(idle), top };
}

const report = {};
for (const mode of readdirSync(root)) {
  let pids;
  try {
    pids = JSON.parse(readFileSync(join(root, mode, 'pids.json'), 'utf8'));
  } catch {
    continue;
  }
  for (const file of readdirSync(join(root, mode)).filter((f) => f.endsWith('.cpuprofile'))) {
    // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main thread (the
    // others are module-loader workers of --import).
    const [, , , pid, thread] = file.split('.');
    const service = thread === '0' ? pids[pid] : undefined;
    if (!service) continue;
    report[`${mode}/${service}`] = selfTimes(
      JSON.parse(readFileSync(join(root, mode, file), 'utf8')),
    );
  }
}
if (values.json) console.log(JSON.stringify(report, null, 2));
else
  for (const [name, r] of Object.entries(report)) {
    console.log(`\n${name}: ${r.busyMs} ms on CPU, ${r.idleMs} ms idle; top self time:`);
    console.table(r.top.map((t) => ({ function: t.fn, 'self ms': t.ms, '% of busy': t.share })));
  }
