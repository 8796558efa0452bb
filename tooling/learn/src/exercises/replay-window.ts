// Exercise 9: replay a window safely. The last ten minutes of webstore.payments.v1 are republished
// with their event ids kept; every consumer of the topic (inventory, the gateway's projection,
// analytics) reads each copy and drops it as a duplicate: analytics' revenue does not move, no
// order's journey gains a second payment outcome, and the copies' traces are marked replay=true.
import {
  adminToken,
  consoleApi,
  getOrder,
  paymentOutcomes,
  scrapeSum,
  type MetricSeries,
} from '../http.js';
import { executeReplay, planReplay } from '../replay.js';
import { waitUntil, type Exercise } from '../runner.js';

export const TOPIC_9 = 'webstore.payments.v1';
export const PLAN_9 = `npm run replay -- plan --topic ${TOPIC_9} --from 10m`;
export const REPUBLISH_9 = `npm run replay -- republish --topic ${TOPIC_9} --from 10m --execute`;
export const TRACES_9 = `replay=true&name=replay%20${TOPIC_9}&limit=5`;
export const PAYMENTS_QUERY =
  'name=webstore_payments_total&fn=increase&by=outcome,replay&from=-15m&step=15m';

const revenue = (analytics: string) =>
  scrapeSum(`${analytics}/metrics`, 'webstore_revenue_cents_total');
const replayDuplicates = (analytics: string) =>
  scrapeSum(
    `${analytics}/metrics`,
    'webstore_duplicates_skipped_total',
    (l) => l.replay === 'true' && l.topic === TOPIC_9,
  );
const replayed = (series: MetricSeries[]) => series.filter((s) => s.labels.replay === 'true');

export const replayWindow: Exercise = {
  id: 9,
  title: 'Replay a window safely',
  guide: 'docs/learn/10-troubleshooting.md#exercise-9-replay-a-window-safely',
  steps: (targets) => {
    const api = consoleApi(targets.console);
    let before = { revenue: 0, duplicates: 0 };
    let sampleOrders: string[] = [];
    let published = 0;
    return [
      {
        title: "Before: note analytics' revenue and its replayed duplicates",
        command: 'curl -s localhost:8103/metrics',
        async run() {
          before = {
            revenue: await revenue(targets.analytics),
            duplicates: await replayDuplicates(targets.analytics),
          };
          return `webstore_revenue_cents_total ${before.revenue}; duplicates of replays of ${TOPIC_9} ${before.duplicates}`;
        },
      },
      {
        title: 'Plan the window (a dry run): what the last ten minutes of payments hold',
        command: PLAN_9,
        async run() {
          const plan = await planReplay(PLAN_9, targets.console);
          if (plan.total === 0) throw new Error(`no payment outcome in the last ten minutes`);
          sampleOrders = plan.sampleKeys;
          return `${plan.total} record(s): ${Object.entries(plan.eventTypes)
            .map(([t, n]) => `${t}×${n}`)
            .join(' ')}`;
        },
      },
      {
        title: 'Replay it: republish the window, event ids kept',
        command: REPUBLISH_9,
        async run() {
          const record = await executeReplay(REPUBLISH_9, targets.console);
          published = record.counts.published ?? 0;
          return `replay ${record.id}: ${published} copies published`;
        },
      },
      {
        title: 'Analytics read every copy and dropped it as a duplicate',
        command: 'curl -s localhost:8103/metrics',
        async run() {
          const duplicates = await waitUntil(
            async () => {
              const n = (await replayDuplicates(targets.analytics)) - before.duplicates;
              return n >= published ? n : undefined;
            },
            `analytics' webstore_duplicates_skipped_total{replay="true"} up by ${published}`,
            30_000,
          );
          if (duplicates !== published)
            throw new Error(`${duplicates} duplicates for ${published} copies`);
          const now = await revenue(targets.analytics);
          if (now !== before.revenue)
            throw new Error(`revenue moved from ${before.revenue} to ${now} cents`);
          return `${duplicates} duplicates skipped; revenue still ${now} cents`;
        },
      },
      {
        title: 'No order got a second payment outcome; no payment was counted as a replay',
        command: `curl -s 'localhost:3002/api/metrics/query?${PAYMENTS_QUERY}'`,
        async run(ctx) {
          for (const id of sampleOrders) {
            const order = await getOrder(targets.gateway, id, adminToken());
            const outcomes = paymentOutcomes(order);
            if (outcomes.length !== 1 || outcomes.some((e) => e.replay))
              throw new Error(`order ${id}: ${outcomes.length} payment outcomes`);
          }
          ctx.note(`${sampleOrders.length} sampled orders: one payment outcome each`);
          const series = await api.query(PAYMENTS_QUERY);
          if (replayed(series).length)
            throw new Error(`webstore_payments_total has replay="true" series`);
          return `webstore_payments_total: ${series.length} series, none labelled replay="true"`;
        },
      },
      {
        title:
          "The copies are traced as a replay: a new trace per copy, the consumers' spans in it",
        command: `curl -s 'localhost:3002/api/traces?${TRACES_9}'`,
        async run() {
          const trace = await waitUntil(async () => {
            const found = await api.traces(TRACES_9);
            return found.find(
              (t) => t.rootName === `replay ${TOPIC_9}` && t.services.includes('gateway'),
            );
          }, `a replay trace rooted at "replay ${TOPIC_9}" holding the gateway's process span of the copy`);
          return `trace ${trace.traceId}: ${trace.rootService} "${trace.rootName}", ${trace.spanCount} spans over ${trace.services.join(', ')}`;
        },
      },
    ];
  },
};
