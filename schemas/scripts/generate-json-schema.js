// Writes one JSON Schema document per event into json-schema/, from the zod schemas, so
// consumers in other languages can validate events too. `--check` fails if the files are stale.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { eventCatalog, EVENT_NAMES } from '../dist/index.js';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'json-schema');
const check = process.argv.includes('--check');
const stale = [];

mkdirSync(outDir, { recursive: true });
for (const name of EVENT_NAMES) {
  const { type, topic, schema } = eventCatalog[name];
  const doc = {
    $id: `https://webstore.example/schemas/${type}.json`,
    title: name,
    description: `Data of CloudEvents type ${type}, published on ${topic}.`,
    ...z.toJSONSchema(schema, { io: 'input' }),
  };
  const file = join(outDir, `${name}.json`);
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (check) {
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) stale.push(file);
  } else {
    writeFileSync(file, text);
  }
}
if (stale.length > 0) {
  console.error(
    `JSON Schema documents are stale; run \`npm run generate -w @webstore/schemas\`:\n  ${stale.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(
  check
    ? `${EVENT_NAMES.length} JSON Schema documents are up to date`
    : `wrote ${EVENT_NAMES.length} JSON Schema documents to ${outDir}`,
);
