// kafka-python 2.0.2 from Debian, and messages crossing between kafkajs, kcat and kafka-python.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Broker } from '../src/index.js';
import { collectingConsumer, startBroker, waitFor } from './helpers.js';

const PYTHON = '/usr/bin/python3';
let broker: Broker;
let kafka: Kafka;
// The broker's protocol trace and kafka-python's DEBUG log: kept under test-results/ when a test
// fails, so the exchange can be read afterwards.
const artifacts = mkdtempSync(join(tmpdir(), 'kafka-python-'));
const KEPT = fileURLToPath(new URL('../test-results/kafka-python', import.meta.url));
let failed = false;

beforeAll(async () => {
  ({ broker, kafka } = await startBroker({ traceFile: join(artifacts, 'broker-trace.jsonl') }));
});

afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') failed = true;
});

afterAll(async () => {
  await broker.stop();
  if (failed) {
    rmSync(KEPT, { recursive: true, force: true });
    mkdirSync(KEPT, { recursive: true });
    cpSync(artifacts, KEPT, { recursive: true });
    console.error(`kafka-python: broker trace and client DEBUG log kept in ${KEPT}`);
  }
  rmSync(artifacts, { recursive: true, force: true });
});

function run(
  command: string,
  args: string[],
  input = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

describe('kafka-python', () => {
  it('infers broker 0.11, consumes with CRC checks on, commits and resumes', async () => {
    const probe = fileURLToPath(new URL('./fixtures/kafka_python_probe.py', import.meta.url));
    const { code, stdout, stderr } = await run(PYTHON, [
      probe,
      broker.bootstrap,
      'python.topic',
      'python-group',
      join(artifacts, 'kafka-python-debug.log'),
    ]);
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.api_version).toEqual([0, 11, 0]);
    expect(result.first.map((m: { value: string }) => m.value)).toEqual([
      'first-0',
      'first-1',
      'first-2',
      'first-3',
      'first-4',
    ]);
    expect(result.first[0].headers).toEqual([['traceparent', '00-py-01']]);
    expect(result.committed_after_first).toBe(5);
    expect(result.second.map((m: { value: string }) => m.value)).toEqual([
      'second-0',
      'second-1',
      'second-2',
    ]);
    expect(result.committed_after_second).toBe(8);
  });
});

describe('across clients', () => {
  it('kafkajs → kcat and kafka-python, headers intact', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'cross.js',
      messages: [{ key: 'k1', value: 'from-kafkajs', headers: { traceparent: '00-js-01' } }],
    });
    await producer.disconnect();
    const kcat = await run('kcat', [
      '-b',
      broker.bootstrap,
      '-C',
      '-t',
      'cross.js',
      '-o',
      'beginning',
      '-e',
      '-f',
      '%k|%s|%h',
    ]);
    expect(kcat.stdout).toBe('k1|from-kafkajs|traceparent=00-js-01');
    const python = await run(PYTHON, [
      '-c',
      `import json,sys
from kafka import KafkaConsumer
c = KafkaConsumer('cross.js', bootstrap_servers=sys.argv[1], auto_offset_reset='earliest', consumer_timeout_ms=10000)
m = next(iter(c))
print(json.dumps([m.key.decode(), m.value.decode(), [[k, v.decode()] for k, v in m.headers]]))`,
      broker.bootstrap,
    ]);
    expect(JSON.parse(python.stdout)).toEqual([
      'k1',
      'from-kafkajs',
      [['traceparent', '00-js-01']],
    ]);
  });

  it('kcat and kafka-python → kafkajs, headers intact', async () => {
    await run(
      'kcat',
      ['-b', broker.bootstrap, '-P', '-t', 'cross.in', '-k', 'from-kcat', '-H', 'origin=kcat'],
      'hello\n',
    );
    await run(PYTHON, [
      '-c',
      `import sys
from kafka import KafkaProducer
p = KafkaProducer(bootstrap_servers=sys.argv[1])
p.send('cross.in', key=b'from-python', value=b'hi', headers=[('origin', b'python')]).get(timeout=10)
p.close()`,
      broker.bootstrap,
    ]);
    const { consumer, messages } = await collectingConsumer(kafka, 'cross-in', 'cross.in');
    await waitFor(() => messages.length === 2, { timeoutMs: 15_000 });
    await consumer.disconnect();
    const seen = messages
      .map((m) => [m.message.key!.toString(), m.message.headers!.origin!.toString()])
      .sort();
    expect(seen).toEqual([
      ['from-kcat', 'kcat'],
      ['from-python', 'python'],
    ]);
  });

  it('refuses a kcat member in a kafkajs group: different assigners → INCONSISTENT_GROUP_PROTOCOL', async () => {
    const member = await collectingConsumer(kafka, 'mixed', 'cross.mixed');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor(
        async () => (await admin.describeGroups(['mixed'])).groups[0]!.state === 'Stable',
        { timeoutMs: 20_000 },
      );
      const kcat = await run('kcat', [
        '-b',
        broker.bootstrap,
        '-G',
        'mixed',
        '-e',
        '-X',
        'debug=cgrp',
        'cross.mixed',
      ]);
      expect(kcat.stderr).toMatch(/Inconsistent group protocol|INCONSISTENT_GROUP_PROTOCOL/i);
      const { groups } = await admin.describeGroups(['mixed']);
      expect(groups[0]!.members).toHaveLength(1);
    } finally {
      await admin.disconnect();
      await member.consumer.disconnect();
    }
  });
});
