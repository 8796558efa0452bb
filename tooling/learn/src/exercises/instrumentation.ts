// Exercise 6: modify the instrumentation. The runner cannot edit a service's code, so it checks
// the premise of the guide's change instead: a counter created with @opentelemetry/api, in a
// process started with our telemetry preload, reaches the console under its Prometheus name and
// can be queried. The example process runs the same lines the guide adds to the gateway.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { consoleApi, sumPoints } from '../http.js';
import { waitUntil, type Exercise } from '../runner.js';

// From src/exercises (tests) and dist/exercises alike: the built example and the repository root.
const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
export const EXAMPLE = 'tooling/learn/dist/examples/product-views.js';
export const VIEWS = 5;

function runExample(otlpEndpoint: string, run: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', '@webstore/observability/register', EXAMPLE, String(VIEWS)],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          OTEL_SERVICE_NAME: 'exercise-6',
          OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
          OTEL_METRIC_EXPORT_INTERVAL: '1000',
          LEARN_RUN: run,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`example exited with ${code}: ${output.slice(-500)}`)),
    );
  });
}

export const modifyInstrumentation: Exercise = {
  id: 6,
  title: 'Modify the instrumentation: add a metric and see it',
  guide: 'docs/learn/03-instrumentation.md#exercise-6-add-a-metric',
  steps: (targets) => {
    const api = consoleApi(targets.console);
    const run = Date.now().toString(36);
    return [
      {
        title: `Run the guide's counter code with the telemetry preload (${VIEWS} product views)`,
        command:
          'node --import @webstore/observability/register tooling/learn/dist/examples/product-views.js 5',
        async run() {
          await runExample(targets.otlpEndpoint, run);
          return `exported to ${targets.otlpEndpoint} as service exercise-6, run ${run}`;
        },
      },
      {
        title: 'The console lists the new metric under its Prometheus name',
        command: 'curl -s localhost:3002/api/metrics',
        async run() {
          const metric = await waitUntil(
            async () =>
              (await api.metricNames()).find((m) => m.name === 'webstore_product_views_total'),
            'webstore_product_views_total in /api/metrics',
            30_000,
          );
          return `${metric.name} from ${metric.services.join(', ')}`;
        },
      },
      {
        title: 'Query it: it counted exactly what the code added',
        command:
          "curl -s 'localhost:3002/api/metrics/query?name=webstore_product_views_total&fn=increase&by=product_id&from=-15m&step=15m'",
        async run() {
          const n = await waitUntil(
            async () => {
              const total = sumPoints(
                await api.query(
                  `name=webstore_product_views_total&fn=increase&where=run:${run}&from=-15m&step=15m`,
                ),
              );
              return total === VIEWS ? total : undefined;
            },
            `increase of webstore_product_views_total{run="${run}"} = ${VIEWS}`,
            30_000,
          );
          return `${n} views counted`;
        },
      },
    ];
  },
};
