// Prints the gzipped size of the JavaScript the store loads first (the entry chunk and what it
// imports statically, as Vite's manifest says) and of what it loads later (dynamic imports: the
// OpenTelemetry Web SDK), and fails when the initial JavaScript is over the 50 KB budget.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET = 50 * 1024;
const dist = fileURLToPath(new URL('../dist', import.meta.url));
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
const gz = (file) => gzipSync(readFileSync(join(dist, file))).length;

const initial = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const imported of chunk.imports ?? []) visit(imported);
};
for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
const lazy = new Set(
  Object.values(manifest)
    .map((c) => c.file)
    .filter((f) => f.endsWith('.js') && !initial.has(f)),
);
const total = (files) => [...files].reduce((n, f) => n + gz(f), 0);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const initialBytes = total(initial);
console.log(
  `storefront: initial JavaScript ${kb(initialBytes)} gzipped (budget ${BUDGET / 1024} KB); ` +
    `loaded after first paint ${kb(total(lazy))} gzipped (${lazy.size} chunk${lazy.size === 1 ? '' : 's'})`,
);
if (initialBytes > BUDGET) {
  console.error('storefront: the initial JavaScript is over the bundle budget');
  process.exit(1);
}
