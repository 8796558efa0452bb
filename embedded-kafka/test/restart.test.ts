// Durability: the CLI broker is killed with SIGKILL; everything acknowledged before, and every
// committed offset, is there after a restart on the same data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, spawnService, type SpawnedService } from '@webstore/testkit';
import { collectingConsumer, waitFor } from './helpers.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'embedded-kafka-restart-'));
let running: SpawnedService | undefined;

afterAll(() => {
  running?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

async function startCli(port: number): Promise<SpawnedService> {
  running = await spawnService({
    command: process.execPath,
    args: [cli, '--port', String(port), '--data-dir', dataDir, '--partitions', '3'],
    readyLine: /embedded-kafka listening on/,
  });
  return running;
}

describe('restart after kill -9', () => {
  it('keeps every acknowledged message and committed offset', async () => {
    const port = await freePort();
    const kafka = new kafkajs.Kafka({
      clientId: 'restart',
      brokers: [`127.0.0.1:${port}`],
      logLevel: kafkajs.logLevel.NOTHING,
    });
    let cliProcess = await startCli(port);
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 20; i++) {
      await producer.send({
        topic: 'durable',
        acks: -1,
        messages: Array.from({ length: 10 }, (_, n) => ({ key: `k${n}`, value: `${i}-${n}` })),
      });
    }
    const first = await collectingConsumer(kafka, 'durable-group', 'durable');
    await waitFor(() => first.messages.length === 200, { timeoutMs: 20_000 });
    await first.consumer.disconnect(); // commits what it processed
    await producer.send({
      topic: 'durable',
      acks: -1,
      messages: [{ key: 'after', value: 'after-commit' }],
    });
    await producer.disconnect();

    cliProcess.kill();
    await cliProcess.exited;
    cliProcess = await startCli(port);

    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('durable');
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(201);
    const [committed] = await admin.fetchOffsets({ groupId: 'durable-group', topics: ['durable'] });
    expect(committed!.partitions.reduce((n, p) => n + Number(p.offset), 0)).toBe(200);
    await admin.disconnect();

    const resumed = await collectingConsumer(kafka, 'durable-group', 'durable');
    await waitFor(() => resumed.messages.length === 1, { timeoutMs: 20_000 });
    expect(resumed.messages[0]!.message.value!.toString()).toBe('after-commit');
    await resumed.consumer.disconnect();
    await cliProcess.stop();
  });
});
