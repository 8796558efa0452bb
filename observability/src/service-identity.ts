import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface ServiceIdentity {
  name: string | undefined;
  version: string | undefined;
}

/**
 * Name and version of the package that contains `entry` (the main script), so `service.version`
 * is right without extra configuration. `@webstore/gateway` becomes `gateway`.
 */
export function findServiceIdentity(entry: string | undefined): ServiceIdentity {
  if (!entry) return { name: undefined, version: undefined };
  let dir = dirname(resolve(entry));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as {
          name?: unknown;
          version?: unknown;
        };
        if (typeof pkg.name === 'string') {
          return {
            name: pkg.name.replace(/^@[^/]+\//, ''),
            version: typeof pkg.version === 'string' ? pkg.version : undefined,
          };
        }
      } catch {
        // An unreadable package.json just means no identity from it.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return { name: undefined, version: undefined };
    dir = parent;
  }
}
