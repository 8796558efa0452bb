// Every attribute a tail-sampling policy keys on is set by the services' own code: a policy on a
// key nobody sets can never match and keeps nothing. The keys are read from the collector config;
// the services' non-test TypeScript sources must name each one as a string literal.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const collector = parse(
  readFileSync(join(repo, 'observability/config/otel-collector.yaml'), 'utf8'),
);

/** `key` of every attribute policy, sub-policies of `and`/`drop`/`composite` included. */
function policyKeys(policies: Record<string, unknown>[]): string[] {
  return policies.flatMap((p) => {
    const cfg = (p[p.type as string] ?? {}) as Record<string, unknown>;
    const nested = ['and_sub_policy', 'drop_sub_policy', 'composite_sub_policy'].flatMap(
      (k) => (cfg[k] as Record<string, unknown>[] | undefined) ?? [],
    );
    return [...(typeof cfg.key === 'string' ? [cfg.key] : []), ...policyKeys(nested)];
  });
}

const SOURCE_ROOTS = ['gateway/src', 'producers', 'consumers'];
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name === 'test') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

describe('tail-sampling attributes', () => {
  const keys = [...new Set(policyKeys(collector.processors.tail_sampling.policies))].sort();
  const text = SOURCE_ROOTS.flatMap((r) => sources(join(repo, r)))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');

  it('reads the keys out of the policies, sub-policies included', () => {
    expect(keys).toEqual(
      expect.arrayContaining(['customer.segment', 'webstore.replay', 'webstore.synthetic']),
    );
  });

  it.each(keys)('%s is set by service code', (key) => {
    expect(text.includes(`'${key}'`), `no service source names '${key}'`).toBe(true);
  });
});
