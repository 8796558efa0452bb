import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('generated JSON Schema documents', () => {
  it('are up to date with the zod schemas', () => {
    // Throws (non-zero exit) when a document is missing or stale.
    const out = execFileSync(process.execPath, ['scripts/generate-json-schema.js', '--check'], {
      cwd: root,
    });
    expect(out.toString()).toContain('up to date');
  });

  it('describe OrderPlaced with its required fields', () => {
    const doc = JSON.parse(readFileSync(`${root}/json-schema/OrderPlaced.json`, 'utf8'));
    expect(doc.title).toBe('OrderPlaced');
    expect(doc.required).toEqual(
      expect.arrayContaining(['orderId', 'customerId', 'country', 'items', 'totalCents']),
    );
    expect(doc.required).not.toContain('synthetic');
  });
});
