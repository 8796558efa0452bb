import type { DoctorConfig } from './config.js';
import { probeHttp, probeKafka, type CheckResult } from './checks.js';

export type { CheckResult } from './checks.js';
export { loadConfig, ConfigError, USAGE, type DoctorConfig } from './config.js';

export interface DoctorReport {
  ok: boolean;
  stack: DoctorConfig['stack'];
  checkedAt: string;
  results: CheckResult[];
}

async function timed(
  base: Omit<CheckResult, 'status' | 'latencyMs' | 'detail'>,
  probe: () => Promise<string>,
): Promise<CheckResult> {
  const started = performance.now();
  try {
    const detail = await probe();
    return { ...base, status: 'ok', latencyMs: Math.round(performance.now() - started), detail };
  } catch (err) {
    return {
      ...base,
      status: 'fail',
      latencyMs: Math.round(performance.now() - started),
      detail: (err as Error).message,
    };
  }
}

/** Runs every check concurrently and reports them in a stable order. */
export async function runDoctor(config: DoctorConfig): Promise<DoctorReport> {
  const results = await Promise.all([
    timed({ name: 'kafka', kind: 'dependency', target: config.kafkaBrokers.join(',') }, () =>
      probeKafka(config.kafkaBrokers, config.timeoutMs),
    ),
    ...config.targets.map((t) =>
      timed({ name: t.name, kind: t.kind, target: t.url }, () =>
        probeHttp(t.url, config.timeoutMs),
      ),
    ),
  ]);
  return {
    ok: results.every((r) => r.status === 'ok'),
    stack: config.stack,
    checkedAt: new Date().toISOString(),
    results,
  };
}

/** The report as an aligned text table; colour only when asked (a TTY). */
export function formatTable(report: DoctorReport, colour: boolean): string {
  const paint = (status: CheckResult['status'], text: string) =>
    colour ? `\u001b[${status === 'ok' ? 32 : 31}m${text}\u001b[0m` : text;
  const header = ['COMPONENT', 'KIND', 'TARGET', 'STATUS', 'TIME', 'DETAIL'];
  const rows = report.results.map((r) => [
    r.name,
    r.kind,
    r.target,
    r.status.toUpperCase(),
    `${r.latencyMs} ms`,
    r.detail,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[], status?: CheckResult['status']) =>
    cells
      .map((cell, i) => {
        const padded = i === cells.length - 1 ? cell : cell.padEnd(widths[i]!);
        return i === 3 && status ? paint(status, padded) : padded;
      })
      .join('  ');
  const failed = report.results.filter((r) => r.status === 'fail').length;
  const summary = `${report.results.length} checks: ${report.results.length - failed} ok, ${failed} failed`;
  return [
    `WebStore doctor (${report.stack} stack)`,
    line(header),
    ...rows.map((row, i) => line(row, report.results[i]!.status)),
    '',
    summary,
  ].join('\n');
}
