import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const gateway = process.env.GATEWAY_URL ?? 'http://localhost:8000';

export default defineConfig({
  plugins: [svelte()],
  server: { port: Number(process.env.PORT ?? 3001), proxy: { '/api': gateway, '/docs': gateway } },
  build: { outDir: 'dist', emptyOutDir: true, manifest: true },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
});
