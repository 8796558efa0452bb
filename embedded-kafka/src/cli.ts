#!/usr/bin/env node
// embedded-kafka: run the broker from a shell.
import { parseArgs } from 'node:util';
import { createBroker } from './broker.js';

const USAGE = `Usage: embedded-kafka [--port 9092] [--host 127.0.0.1] [--data-dir DIR] [--partitions N]

A single-node broker speaking the Kafka wire protocol (kafkajs, librdkafka/kcat, kafka-python).

  --port N          TCP port (default 9092; 0 picks a free port)
  --host HOST       interface to listen on and advertise (default 127.0.0.1)
  --data-dir DIR    keep logs and committed offsets on disk (default: in memory)
  --partitions N    partitions of auto-created topics (default 1)
  --retention-ms N  delete log segments older than this (default 7 days)
  --max-connections N  client connections open at once; more are closed and logged
                    (default 1000; also EMBEDDED_KAFKA_MAX_CONNECTIONS)
  --max-frame-bytes N  largest request frame; a larger one closes its connection before it
                    is buffered (default 104857600; also EMBEDDED_KAFKA_MAX_FRAME_BYTES)
  --trace FILE      append a protocol trace: one JSON line per request and response
                    (also EMBEDDED_KAFKA_TRACE=FILE)
  --help            show this help`;

function fail(message: string): never {
  console.error(`embedded-kafka: ${message}\n\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '9092' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      partitions: { type: 'string', default: '1' },
      'retention-ms': { type: 'string' },
      trace: { type: 'string' },
      'max-connections': { type: 'string' },
      'max-frame-bytes': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  }));
} catch (err) {
  fail((err as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const integer = (flag: string, text: string | undefined, min: number) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    fail(`--${flag} must be an integer >= ${min}, got "${text}"`);
  return n;
};
const port = integer('port', values.port, 0);
const defaultPartitions = integer('partitions', values.partitions, 1);
const retentionMs =
  values['retention-ms'] === undefined
    ? undefined
    : integer('retention-ms', values['retention-ms'], 1);

const optional = (flag: 'max-connections' | 'max-frame-bytes', env: string, min: number) => {
  const text = values[flag] ?? process.env[env];
  return text === undefined || text === '' ? undefined : integer(flag, text, min);
};
const maxConnections = optional('max-connections', 'EMBEDDED_KAFKA_MAX_CONNECTIONS', 1);
const maxFrameBytes = optional('max-frame-bytes', 'EMBEDDED_KAFKA_MAX_FRAME_BYTES', 1024);

const broker = await createBroker({
  maxConnections,
  maxFrameBytes,
  port,
  host: values.host,
  dataDir: values['data-dir'],
  defaultPartitions,
  retentionMs,
  traceFile: values.trace || process.env.EMBEDDED_KAFKA_TRACE || undefined,
  log: (message) => console.error(`embedded-kafka: ${message}`),
}).catch((err: Error) => fail(`cannot listen on ${values.host}:${port}: ${err.message}`));
console.log(
  `embedded-kafka listening on ${broker.bootstrap}${values['data-dir'] ? ` (data in ${values['data-dir']})` : ' (in memory)'}`,
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void broker.stop().then(() => process.exit(0));
  });
}
