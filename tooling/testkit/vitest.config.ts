import { defineConfig } from 'vitest/config';

// Tests spawn processes and exporters; leave room on a busy CI machine.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
