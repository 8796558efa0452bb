import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ephemeralPortRange, freePort } from './free-port.js';

describe('freePort', () => {
  it('returns a port that can be listened on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });

  // An outbound connection takes its local port from this range; a port handed to a child from
  // it can be taken before the child listens (EADDRINUSE).
  it('stays outside the range outbound connections take their local port from', async () => {
    const [low, high] = ephemeralPortRange();
    for (let i = 0; i < 20; i++) {
      const port = await freePort();
      expect(port < low || port > high, `${port} inside ${low}-${high}`).toBe(true);
    }
  });

  it('never hands the same port out twice, in this process or another one', async () => {
    const mine = await Promise.all(Array.from({ length: 40 }, () => freePort()));
    expect(new Set(mine).size).toBe(mine.length);
    // the built module (tests run after the build), in a second Node process
    const module = fileURLToPath(new URL('../dist/free-port.js', import.meta.url));
    const script = `const { freePort } = await import(${JSON.stringify(module)});
      const ports = []; for (let i = 0; i < 40; i++) ports.push(await freePort());
      console.log(JSON.stringify(ports));`;
    const theirs = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as number[];
    expect(theirs).toHaveLength(40);
    expect(theirs.filter((port) => mine.includes(port))).toEqual([]);
  });
});
