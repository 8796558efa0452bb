// Prints the gzipped size of the JavaScript the store loads first, and fails over the 50 KB budget.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET = 50 * 1024;
const assets = fileURLToPath(new URL('../dist/assets', import.meta.url));
const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
const total = js.reduce((n, f) => n + gzipSync(readFileSync(join(assets, f))).length, 0);
console.log(
  `storefront: initial JavaScript ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET / 1024} KB)`,
);
if (total > BUDGET) {
  console.error('storefront: over the bundle budget');
  process.exit(1);
}
