#!/usr/bin/env node
// Usage: webstore-dockerfile-lint [--service] <Dockerfile>...   exits 1 when anything is found.
import { readFileSync } from 'node:fs';
import { lintDockerfile } from './dockerfile-lint.js';

const argv = process.argv.slice(2);
const service = argv.includes('--service');
const files = argv.filter((a) => !a.startsWith('--'));
if (files.length === 0) {
  console.error('usage: webstore-dockerfile-lint [--service] <Dockerfile>...');
  process.exit(2);
}
let failed = false;
for (const file of files) {
  for (const f of lintDockerfile(readFileSync(file, 'utf8'), { service })) {
    failed = true;
    console.log(`${file}:${f.line} ${f.rule} ${f.message}`);
  }
}
process.exit(failed ? 1 : 0);
