import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// `npm run dev -w @webstore/console` serves the UI with hot reload and proxies the API to a
// running console (CONSOLE_URL, default the one `npm start` runs).
const consoleUrl = process.env.CONSOLE_URL ?? 'http://localhost:3002';

export default defineConfig({
  plugins: [svelte()],
  server: {
    port: Number(process.env.PORT ?? 5174),
    proxy: { '/api': consoleUrl, '/healthz': consoleUrl, '/readyz': consoleUrl },
  },
  build: { outDir: 'dist-ui', emptyOutDir: true },
  test: {
    include: ['server/**/*.test.ts', 'test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
