import { fileURLToPath } from 'node:url';
import { spawnService, waitFor } from '@webstore/testkit';
import { describe, expect, it } from 'vitest';

const start = (mode: string) =>
  spawnService({
    command: process.execPath,
    args: ['test/fixtures/lifecycle-app.js'],
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { MODE: mode },
    readyLine: /^lifecycle app ready$/,
  });

// Without the preload: onShutdown installs the signal handling itself.
describe('onShutdown', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'runs hooks in registration order on %s, then exits 0',
    async (signal) => {
      const app = await start('ok');
      try {
        expect(await app.stop(signal)).toBe(0);
        expect(app.lines()).toEqual(['lifecycle app ready', 'first hook done', 'second hook']);
      } finally {
        app.kill();
      }
    },
  );

  it('reports a failing hook on stderr and exits 1', async () => {
    const app = await start('failing-hook');
    try {
      expect(await app.stop()).toBe(1);
      // Unnamed hooks are named by their position.
      expect(app.stderr()).toMatch(
        /^shutdown hook "hook 2" failed: Error: could not commit offsets/,
      );
    } finally {
      app.kill();
    }
  });

  it('exits at once on a second signal while a hook hangs', async () => {
    const app = await start('stuck-hook');
    try {
      app.child.kill('SIGTERM');
      await waitFor(() => app.lines().includes('second hook'), {
        message: 'the stuck hook to start',
      });
      expect(await app.stop('SIGTERM')).toBe(1);
      expect(app.stderr()).toContain('received SIGTERM again during shutdown');
    } finally {
      app.kill();
    }
  });

  it('moves on from a step that outlives its timeout, reports it and exits 1', async () => {
    const app = await start('timed-out-hook');
    try {
      expect(await app.stop()).toBe(1);
      expect(app.lines()).toContain('step after the stuck one');
      expect(app.stderr()).toContain('shutdown hook "stuck consumer" did not finish within 200 ms');
    } finally {
      app.kill();
    }
  });
});
