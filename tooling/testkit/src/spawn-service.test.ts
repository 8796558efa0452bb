import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './free-port.js';
import { spawnService, type SpawnedService } from './spawn-service.js';

const started: SpawnedService[] = [];
afterEach(() => {
  for (const service of started.splice(0)) service.kill();
});

const node = (script: string) => ({ command: process.execPath, args: ['-e', script] });

describe('spawnService', () => {
  it('waits for the ready line and captures stdout and stderr', async () => {
    const service = await spawnService({
      ...node(
        `console.error('warming up'); setTimeout(() => console.log('listening on ' + process.env.GREETING), 50); setInterval(() => {}, 1000);`,
      ),
      env: { GREETING: 'port 1234' },
      readyLine: /^listening on port \d+$/,
    });
    started.push(service);
    expect(service.lines()).toEqual(['warming up', 'listening on port 1234']);
    expect(service.stdout()).toBe('listening on port 1234\n');
    expect(service.stderr()).toBe('warming up\n');
    expect(await service.stop()).toBeNull();
  });

  it('waits for a 2xx from the ready URL', async () => {
    const port = await freePort();
    const service = await spawnService({
      ...node(
        `let ready = false; setTimeout(() => { ready = true; }, 200);
         require('node:http').createServer((q, s) => { s.statusCode = ready ? 200 : 503; s.end(); }).listen(${port}, '127.0.0.1');`,
      ),
      readyUrl: `http://127.0.0.1:${port}/readyz`,
    });
    started.push(service);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
  });

  it('rejects with the captured output when the process exits before it is ready', async () => {
    await expect(
      spawnService({
        ...node(`console.error('KAFKA_BROKERS is not valid'); process.exit(3)`),
        readyLine: /ready/,
      }),
    ).rejects.toThrow(/exited with 3 before it was ready\. Output:\nKAFKA_BROKERS is not valid/);
  });

  it('rejects and kills the process when readiness times out', async () => {
    await expect(
      spawnService({
        ...node(`console.log('still booting'); setInterval(() => {}, 1000)`),
        readyLine: /ready/,
        timeoutMs: 300,
      }),
    ).rejects.toThrow(/not ready within 300 ms\. Output:\nstill booting/);
  });

  it('stop() returns the exit code of a graceful shutdown', async () => {
    const service = await spawnService({
      ...node(
        `process.on('SIGTERM', () => { console.log('bye'); process.exit(0); }); console.log('up'); setInterval(() => {}, 1000);`,
      ),
      readyLine: /^up$/,
    });
    started.push(service);
    expect(await service.stop()).toBe(0);
    expect(service.exitCode).toBe(0);
    expect(service.lines()).toContain('bye');
  });

  it('stop() SIGKILLs a process that ignores the signal after the grace period', async () => {
    const service = await spawnService({
      ...node(`process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000);`),
      readyLine: /^up$/,
      stopGraceMs: 200,
    });
    started.push(service);
    expect(await service.stop()).toBeNull();
    expect(service.child.signalCode).toBe('SIGKILL');
  });
});
