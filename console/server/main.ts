#!/usr/bin/env node
// The console as a process: config from the environment, then listen until SIGTERM/SIGINT.
import { createLogger } from '@webstore/observability/logger';
import { loadConfig } from './config.js';
import { startConsole } from './console.js';

let config;
try {
  config = loadConfig(process.env);
} catch (err) {
  console.error(`console: ${(err as Error).message}`);
  process.exit(2);
}
const log = createLogger('console');
let running;
try {
  running = await startConsole({ config, log });
} catch (err) {
  console.error(`console: could not start: ${(err as Error).message}`);
  process.exit(1);
}
log.info(
  {
    url: running.url,
    otlpGrpc: running.otlpGrpcEndpoint,
    otlpHttp: running.otlpHttpEndpoint,
    dataDir: config.dataDir,
  },
  'console listening',
);
console.log(
  `console listening on ${running.url} (OTLP gRPC ${running.otlpGrpcEndpoint}, HTTP ${running.otlpHttpEndpoint})`,
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
