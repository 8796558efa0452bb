import { defineConfig } from 'vitest/config';

// Integration tests start real processes (the preload takes ~0.5 s to load); leave room on a busy CI machine.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
