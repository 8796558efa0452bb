// Prints the gzipped size of the JavaScript the console UI loads first, and fails over the 150 KB
// budget.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET = 150 * 1024;
const dist = fileURLToPath(new URL('../dist-ui', import.meta.url));
const html = readFileSync(join(dist, 'index.html'), 'utf8');
// What index.html loads: its module scripts and the chunks they preload.
const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
const files = initial.length
  ? initial
  : readdirSync(join(dist, 'assets'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => `assets/${f}`);
const total = files.reduce((n, f) => n + gzipSync(readFileSync(join(dist, f))).length, 0);
console.log(
  `console: initial JavaScript ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET / 1024} KB)`,
);
if (total > BUDGET) {
  console.error('console: over the bundle budget');
  process.exit(1);
}
