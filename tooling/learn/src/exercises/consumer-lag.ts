// Exercise 7: watch a consumer fall behind. The slow-consumer fault switch makes inventory spend
// longer on every message while shoppers keep ordering: its lag and queue time climb in the
// console's metrics, and its /readyz stays 200 (a slow member is still a member). Turning the
// switch off drains the lag.
import { consoleApi, isOk, setSlowConsumer, type MetricSeries } from '../http.js';
import { waitUntil, type Exercise } from '../runner.js';
import { describeSummary, runTrafficCommand } from '../traffic.js';
import type { Summary } from '@webstore/traffic';

export const TRAFFIC_7 = 'npm run traffic -- --users 10 --duration 20 --seed 7';
export const DELAY_MS = 2000;
const LAG_QUERY =
  'name=webstore_consumer_lag_messages&fn=last&by=group&where=group:inventory&from=-1m&step=5s';
const QUEUE_QUERY =
  'name=webstore_consumer_queue_time_seconds&fn=p95&by=group&where=group:inventory&from=-1m&step=1m';

const latest = (series: MetricSeries[]) =>
  [...(series[0]?.points ?? [])].reverse().find(([, v]) => v !== null)?.[1] ?? undefined;

export const consumerLag: Exercise = {
  id: 7,
  title: 'Watch a consumer fall behind',
  guide: 'docs/learn/04-metrics-and-dashboards.md#exercise-7-watch-a-consumer-fall-behind',
  steps: (targets) => {
    const api = consoleApi(targets.console);
    let traffic: Promise<Summary> | undefined;
    const notReady: string[] = [];
    let probing = false;
    let baselineQueue = 0;
    return [
      {
        title: 'Before: inventory is ready; note its queue time',
        command: 'curl -s localhost:8101/readyz',
        async run() {
          if (!(await isOk(`${targets.inventory}/readyz`)))
            throw new Error('inventory is not ready');
          baselineQueue = latest(await api.query(QUEUE_QUERY)) ?? 0;
          return `queue time p95 of group inventory over the last minute: ${baselineQueue.toFixed(3)} s`;
        },
      },
      {
        title: `Turn the slow-consumer fault switch on: inventory spends ${DELAY_MS} ms more on every message`,
        command: `curl -s -X POST localhost:8000/api/admin/faults -H 'Authorization: Bearer admin-token-456' -H 'Content-Type: application/json' -d '{"slowConsumer":{"service":"inventory","delayMs":${DELAY_MS}}}'`,
        async run(ctx) {
          await setSlowConsumer(targets.gateway, 'inventory', DELAY_MS);
          ctx.cleanup(
            () => setSlowConsumer(targets.gateway, 'inventory', 0),
            'inventory fault switch off',
          );
        },
      },
      {
        title: 'Keep shoppers ordering (in another terminal)',
        command: TRAFFIC_7,
        async run(ctx) {
          traffic = runTrafficCommand(TRAFFIC_7, targets.gateway);
          ctx.cleanup(() => {
            probing = false;
          }, 'readiness probe stopped');
          traffic.catch(() => undefined);
          probing = true;
          void (async () => {
            while (probing) {
              if (!(await isOk(`${targets.inventory}/readyz`)))
                notReady.push(new Date().toISOString());
              await new Promise((resolve) => setTimeout(resolve, 1000));
            }
          })();
          return 'running in the background; readiness probed every second';
        },
      },
      {
        title: "Inventory's consumer lag climbs",
        command: `curl -s 'localhost:3002/api/metrics/query?${LAG_QUERY}'`,
        async run() {
          const lag = await waitUntil(
            async () => {
              const value = latest(await api.query(LAG_QUERY));
              return value !== undefined && value >= 5 ? value : undefined;
            },
            'webstore_consumer_lag_messages of group inventory ≥ 5',
            60_000,
            1000,
          );
          return `lag of group inventory: ${lag} messages`;
        },
      },
      {
        title: 'Its queue time rises: messages wait in Kafka before inventory starts on them',
        command: `curl -s 'localhost:3002/api/metrics/query?${QUEUE_QUERY}'`,
        async run() {
          const p95 = await waitUntil(
            async () => {
              const value = latest(await api.query(QUEUE_QUERY));
              return value !== undefined && value > Math.max(1, 2 * baselineQueue)
                ? value
                : undefined;
            },
            `queue time p95 of group inventory above ${Math.max(1, 2 * baselineQueue).toFixed(2)} s`,
            60_000,
            1000,
          );
          return `queue time p95: ${p95.toFixed(2)} s (before: ${baselineQueue.toFixed(3)} s)`;
        },
      },
      {
        title: 'Readiness stayed true the whole time: a slow consumer is still in its group',
        async run() {
          const summary = await traffic!;
          probing = false;
          if (notReady.length)
            throw new Error(`inventory /readyz failed at ${notReady.join(', ')}`);
          return describeSummary(summary);
        },
      },
      {
        title: 'Turn the switch off: the lag drains to zero',
        command: `curl -s -X POST localhost:8000/api/admin/faults -H 'Authorization: Bearer admin-token-456' -H 'Content-Type: application/json' -d '{"slowConsumer":{"service":"inventory","delayMs":0}}'`,
        async run() {
          await setSlowConsumer(targets.gateway, 'inventory', 0);
          await waitUntil(
            async () => (latest(await api.query(LAG_QUERY)) === 0 ? true : undefined),
            'lag of group inventory back to 0',
            120_000,
            1000,
          );
          return 'lag 0';
        },
      },
    ];
  },
};
