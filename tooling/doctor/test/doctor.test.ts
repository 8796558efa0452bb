// The doctor against the real local stack: all green, then one service stopped → that row red and
// a non-zero exit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack } from '@webstore/stack';
import type { DoctorReport } from '../src/doctor.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
let stack: Awaited<ReturnType<typeof startStack>>;
let dataDir: string;

function doctor(): { code: number | null; report: DoctorReport; stderr: string } {
  const env = {
    ...process.env,
    KAFKA_BROKERS: stack.kafkaBrokers,
    GATEWAY_URL: stack.urls.gateway,
    INVENTORY_URL: stack.urls.inventory,
    PAYMENT_URL: stack.urls.payment,
    ANALYTICS_URL: stack.urls.analytics,
    ...(stack.urls.storefront ? { STOREFRONT_URL: stack.urls.storefront } : {}),
    CONSOLE_URL: stack.urls.console,
  };
  // The store is checked only when this checkout has one to run.
  const skip = stack.urls.storefront ? [] : ['--skip', 'storefront'];
  const run = spawnSync(process.execPath, [cli, '--json', '--timeout', '5000', ...skip], {
    env,
    encoding: 'utf8',
  });
  return { code: run.status, report: JSON.parse(run.stdout) as DoctorReport, stderr: run.stderr };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'doctor-'));
  stack = await startStack({ dataDir, storefront: true, console: true });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('npm run doctor against the local stack', () => {
  it('reports every dependency green and exits 0', () => {
    const { code, report } = doctor();
    expect(report.results.filter((r) => r.status !== 'ok')).toEqual([]);
    const expected = [
      'kafka',
      'gateway',
      'inventory',
      'payment',
      'analytics',
      ...(stack.urls.storefront ? ['storefront'] : []),
      'console',
    ];
    expect(report.results.map((r) => r.name)).toEqual(expected);
    expect(report.ok).toBe(true);
    expect(code).toBe(0);
  });

  it('turns the row of a stopped service red and exits non-zero', async () => {
    await stack.stopService('payment');
    const { code, report } = doctor();
    const payment = report.results.find((r) => r.name === 'payment')!;
    expect(payment.status).toBe('fail');
    expect(payment.detail).toMatch(/connection refused/);
    expect(report.results.filter((r) => r.status === 'fail').map((r) => r.name)).toEqual([
      'payment',
    ]);
    expect(report.ok).toBe(false);
    expect(code).toBe(1);
  });
});
