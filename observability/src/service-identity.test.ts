import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findServiceIdentity } from './service-identity.js';

describe('findServiceIdentity', () => {
  it('finds the nearest package.json above the entry and drops the npm scope', () => {
    expect(
      findServiceIdentity(fileURLToPath(new URL('../test/fixtures/app.js', import.meta.url))),
    ).toEqual({
      name: 'observability',
      version: '0.1.0',
    });
  });

  it('knows nothing without an entry', () => {
    expect(findServiceIdentity(undefined)).toEqual({ name: undefined, version: undefined });
  });
});
