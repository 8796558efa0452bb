// kafka-python 2.0.2 from Debian, and messages crossing between kafkajs, kcat and kafka-python.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs, { type Kafka } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBroker, type Broker } from '../src/index.js';
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

const RUN_DEADLINE_MS = 60_000;

/** Runs a client to completion; a client still running at the deadline is killed and says so. */
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
    const timer = setTimeout(() => {
      stderr += `\n[test] ${command} ${args[0]} still running after ${RUN_DEADLINE_MS} ms: killed`;
      child.kill('SIGKILL');
    }, RUN_DEADLINE_MS);
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
  it('assigns the partitions to a group leader that joined before its topic existed', async () => {
    // The consumer joins with no partition metadata (the topic is created afterwards), assigns
    // nothing, and rejoins once its metadata shows the partition: the broker must rebalance then.
    const late = await createBroker({
      port: 0,
      autoCreateTopics: false,
      traceFile: join(artifacts, 'late-topic-broker-trace.jsonl'),
    });
    const admin = new kafkajs.Kafka({
      brokers: [late.bootstrap],
      logLevel: kafkajs.logLevel.NOTHING,
    }).admin();
    try {
      const consumer = run(PYTHON, [
        '-c',
        `import json, logging, sys, time
from kafka import KafkaConsumer
logging.basicConfig(filename=sys.argv[2], level=logging.DEBUG)
c = KafkaConsumer('late.topic', bootstrap_servers=sys.argv[1], group_id='late-group',
                  auto_offset_reset='earliest', metadata_max_age_ms=300, api_version=(0, 11, 0))
deadline = time.monotonic() + 45
seen = []
while len(seen) < 3 and time.monotonic() < deadline:
    seen += [r.value.decode() for rs in c.poll(timeout_ms=200).values() for r in rs]
c.close()
print(json.dumps(seen))`,
        late.bootstrap,
        join(artifacts, 'late-topic-kafka-python-debug.log'),
      ]);
      await admin.connect();
      await waitFor(
        async () => (await admin.describeGroups(['late-group'])).groups[0]!.state === 'Stable',
        { timeoutMs: 30_000, message: 'the kafka-python consumer to join late-group' },
      );
      await admin.createTopics({ topics: [{ topic: 'late.topic', numPartitions: 1 }] });
      const producer = new kafkajs.Kafka({
        brokers: [late.bootstrap],
        logLevel: kafkajs.logLevel.NOTHING,
      }).producer();
      await producer.connect();
      await producer.send({
        topic: 'late.topic',
        messages: ['l-0', 'l-1', 'l-2'].map((value) => ({ value })),
      });
      await producer.disconnect();
      const { code, stdout, stderr } = await consumer;
      expect(code, stderr).toBe(0);
      expect(JSON.parse(stdout)).toEqual(['l-0', 'l-1', 'l-2']);
    } finally {
      await admin.disconnect();
      await late.stop();
    }
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
import time
from kafka import KafkaConsumer
c = KafkaConsumer('cross.js', bootstrap_servers=sys.argv[1], auto_offset_reset='earliest')
deadline = time.monotonic() + 30
records = []
while not records and time.monotonic() < deadline:
    records = [r for rs in c.poll(timeout_ms=200).values() for r in rs]
if not records:
    sys.exit('no message from cross.js within 30 s')
m = records[0]
print(json.dumps([m.key.decode(), m.value.decode(), [[k, v.decode()] for k, v in m.headers]]))`,
      broker.bootstrap,
    ]);
    expect(python.code, python.stderr).toBe(0);
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
