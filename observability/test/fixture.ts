import { fileURLToPath } from 'node:url';
import { spawnService, type SpawnedService } from '@webstore/testkit';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

export interface Fixture {
  service: SpawnedService;
  url: string;
  /** Parsed JSON lines of stdout (bunyan records). */
  records(): Record<string, unknown>[];
}

/** Starts test/fixtures/app.js with the real preload from dist (built before tests run). */
export async function startFixture(env: Record<string, string | undefined>): Promise<Fixture> {
  const service = await spawnService({
    command: process.execPath,
    args: ['--import', '@webstore/observability/register', 'test/fixtures/app.js'],
    cwd: packageDir,
    // Keep the parent's OTEL_* settings from leaking into the child.
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
      OTEL_SDK_DISABLED: undefined,
      OTEL_RESOURCE_ATTRIBUTES: undefined,
      OTEL_SERVICE_NAME: 'fixture',
      LOG_LEVEL: 'info',
      PORT: '0',
      ...env,
    },
    readyLine: /^fixture listening on \d+$/,
  });
  const port = /fixture listening on (\d+)/.exec(service.output())?.[1];
  return {
    service,
    url: `http://127.0.0.1:${port}`,
    records: () =>
      service
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** Series names in a Prometheus text exposition. */
export function prometheusSeriesNames(text: string): string[] {
  const names = text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] ?? '');
  return [...new Set(names)].sort();
}
