// Limits of the CLI broker against clients that take too much: --max-connections closes the
// connection over the limit (and says so), --max-frame-bytes closes a connection whose frame is
// too large as soon as its size prefix arrives, without waiting for (or buffering) the rest.
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, spawnService, type SpawnedService } from '@webstore/testkit';
import { waitFor } from './helpers.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const DEADLINE_MS = 10_000;
let broker: SpawnedService;
let port: number;
const open: Socket[] = [];

beforeAll(async () => {
  port = await freePort();
  broker = await spawnService({
    command: process.execPath,
    args: [cli, '--port', String(port), '--max-connections', '2', '--max-frame-bytes', '4096'],
    readyLine: /embedded-kafka listening on/,
  });
});

afterAll(async () => {
  for (const socket of open) socket.destroy();
  await broker?.stop();
});

/** ApiVersions v0: size, api key 18, version 0, correlation id, null client id. */
const API_VERSIONS = Buffer.from([0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 7, 0xff, 0xff]);

/**
 * Connects, sends `payload`, and resolves with what happened first: a response frame came back
 * ('answered') or the broker closed the connection ('closed'); rejects after the deadline.
 */
function attempt(payload: Buffer): Promise<{ outcome: 'answered' | 'closed'; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    open.push(socket);
    const timer = setTimeout(
      () => reject(new Error(`waited ${DEADLINE_MS} ms for an answer or a close; got neither`)),
      DEADLINE_MS,
    );
    const done = (outcome: 'answered' | 'closed') => {
      clearTimeout(timer);
      resolve({ outcome, socket });
    };
    socket.once('connect', () => socket.write(payload));
    socket.once('data', () => done('answered'));
    socket.once('close', () => done('closed'));
    socket.once('error', () => undefined);
  });
}

describe('broker limits', () => {
  it('closes the connection over --max-connections, logs it, and admits one again after a close', async () => {
    const first = await attempt(API_VERSIONS);
    const second = await attempt(API_VERSIONS);
    expect([first.outcome, second.outcome]).toEqual(['answered', 'answered']);

    const third = await attempt(API_VERSIONS);
    expect(third.outcome).toBe('closed');
    await waitFor(
      () => /refusing a connection .*2 connections already open/.test(broker.stderr()),
      {
        timeoutMs: DEADLINE_MS,
        message: 'the broker to log the refused connection',
      },
    );

    first.socket.destroy();
    await waitFor(async () => (await attempt(API_VERSIONS)).outcome === 'answered', {
      timeoutMs: DEADLINE_MS,
      message: 'a connection to be admitted once one of the two has closed',
    });
  });

  it('closes a connection whose frame is over --max-frame-bytes from its size prefix alone', async () => {
    for (const socket of open) socket.destroy();
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(64 * 1024 * 1024);
    let result: Awaited<ReturnType<typeof attempt>> | undefined;
    // Slots free up as the sockets above close on the broker's side.
    await waitFor(
      async () => {
        result = await attempt(prefix);
        return /over the limit of 4096/.test(broker.stderr());
      },
      { timeoutMs: DEADLINE_MS, message: 'the broker to refuse a 64 MiB frame by its size' },
    );
    expect(result!.outcome).toBe('closed');
    expect(broker.exitCode).toBeNull();
  });

  it('rejects a bad limit at start-up, naming the flag', async () => {
    const started = spawnService({
      command: process.execPath,
      args: [cli, '--port', '0', '--max-connections', '0'],
      readyLine: /embedded-kafka listening on/,
    });
    await expect(started).rejects.toThrow(
      /exited with 2[\s\S]*--max-connections must be an integer >= 1/,
    );
  });
});
