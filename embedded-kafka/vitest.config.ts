import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Broker tests open real sockets and child processes; running files one at a time keeps
    // timings sane on a 2-core machine.
    fileParallelism: false,
    env: { KAFKAJS_NO_PARTITIONER_WARNING: '1' },
  },
});
