// Exercises 3 and 4: funnel conversion and cart abandonment by country, and customer segments,
// computed from the metrics the console serves (the same counters PromQL reads in the full stack).
import { consoleApi, totalsBy, type MetricSeries } from '../http.js';
import { waitUntil, type Exercise, type StepContext } from '../runner.js';
import { describeSummary, runTrafficCommand } from '../traffic.js';

export const TRAFFIC_3 = 'npm run traffic -- --users 5 --duration 15 --seed 3';
export const FUNNEL_QUERY =
  'name=webstore_funnel_stage_total&fn=increase&by=stage,country&from=-15m&step=15m';
export const SEGMENT_QUERY =
  'name=webstore_customer_segment_total&fn=increase&by=segment,action&from=-15m&step=15m';
export const AT_RISK_QUERY =
  'name=webstore_customer_segment_total&fn=increase&where=segment:at_risk&by=action&from=-15m&step=15m';
const STAGES = [
  'browse_catalog',
  'view_product',
  'add_to_cart',
  'checkout_started',
  'checkout_complete',
];
const SEGMENTS = ['new', 'returning', 'vip', 'at_risk', 'churned'];

/** Runs the guide's traffic unless the last 15 minutes already have enough checkouts. */
async function ensureTraffic(ctx: StepContext): Promise<string> {
  const api = consoleApi(ctx.targets.console);
  const completed = totalsBy(
    await api.query('name=webstore_funnel_stage_total&fn=increase&by=stage&from=-15m&step=15m'),
    'stage',
  ).get('checkout_complete');
  if ((completed ?? 0) >= 5)
    return `${completed} checkouts completed in the last 15 minutes already`;
  return describeSummary(await runTrafficCommand(TRAFFIC_3, ctx.targets.gateway));
}

function byLabels(series: MetricSeries[], a: string, b: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const s of series) {
    const value = [...s.points].reverse().find(([, v]) => v !== null)?.[1] ?? 0;
    const inner = out.get(s.labels[a] ?? '') ?? new Map<string, number>();
    inner.set(s.labels[b] ?? '', (inner.get(s.labels[b] ?? '') ?? 0) + value);
    out.set(s.labels[a] ?? '', inner);
  }
  return out;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

export const funnelConversion: Exercise = {
  id: 3,
  title: 'Funnel conversion and cart abandonment by country',
  guide:
    'docs/learn/04-metrics-and-dashboards.md#exercise-3-funnel-conversion-and-cart-abandonment',
  steps: (targets) => {
    const api = consoleApi(targets.console);
    let funnel = new Map<string, Map<string, number>>();
    return [
      { title: 'Have traffic from the last 15 minutes', command: TRAFFIC_3, run: ensureTraffic },
      {
        title: 'Read the funnel by stage and country',
        command: `curl -s 'localhost:3002/api/metrics/query?${FUNNEL_QUERY}'`,
        async run() {
          funnel = await waitUntil(async () => {
            const f = byLabels(await api.query(FUNNEL_QUERY), 'country', 'stage');
            const withCheckouts = [...f.values()].filter(
              (s) => (s.get('checkout_complete') ?? 0) > 0,
            );
            return withCheckouts.length >= 2 ? f : undefined;
          }, 'completed checkouts from two countries or more');
          return `${funnel.size} countries`;
        },
      },
      {
        title: 'Compute conversion and cart abandonment: 1 − checkout_complete / add_to_cart',
        async run(ctx) {
          let added = 0;
          let completed = 0;
          for (const [country, stages] of [...funnel].sort()) {
            const a = stages.get('add_to_cart') ?? 0;
            const c = stages.get('checkout_complete') ?? 0;
            const views = stages.get('view_product') ?? 0;
            added += a;
            completed += c;
            if (a === 0) continue;
            const abandonment = 1 - c / a;
            if (abandonment < 0 || abandonment > 1)
              throw new Error(
                `${country}: abandonment ${abandonment} is outside 0..1 (${c} of ${a})`,
              );
            ctx.note(
              `${country}: conversion ${views ? pct(c / views) : 'n/a'} of product views, cart abandonment ${pct(abandonment)}`,
            );
          }
          if (added === 0) throw new Error('no add_to_cart counted');
          return `all countries: cart abandonment ${pct(1 - completed / added)} (${completed} of ${added} carts checked out)`;
        },
      },
      {
        title: 'Find the stage with the highest drop-off',
        async run() {
          const total = (stage: string) =>
            [...funnel.values()].reduce((n, s) => n + (s.get(stage) ?? 0), 0);
          const drops = STAGES.slice(1).map((stage, i) => {
            const before = total(STAGES[i]!);
            return {
              stage: `${STAGES[i]} → ${stage}`,
              drop: before ? 1 - total(stage) / before : 0,
            };
          });
          const worst = drops.reduce((a, d) => (d.drop > a.drop ? d : a));
          if (!(worst.drop > 0))
            throw new Error(`no drop-off at any stage: ${JSON.stringify(drops)}`);
          // Views outnumber catalog browses (a shopper views several products): no drop there.
          const shown = drops.map((d) => `${d.stage} ${d.drop < 0 ? 'grows' : pct(d.drop)}`);
          return `highest drop-off: ${worst.stage} loses ${pct(worst.drop)} (${shown.join('; ')})`;
        },
      },
    ];
  },
};

export const customerSegments: Exercise = {
  id: 4,
  title: 'Customer segments',
  guide: 'docs/learn/04-metrics-and-dashboards.md#exercise-4-customer-segments',
  steps: (targets) => {
    const api = consoleApi(targets.console);
    let segments = new Map<string, Map<string, number>>();
    return [
      { title: 'Have traffic from the last 15 minutes', command: TRAFFIC_3, run: ensureTraffic },
      {
        title: 'Customer actions by segment',
        command: `curl -s 'localhost:3002/api/metrics/query?${SEGMENT_QUERY}'`,
        async run(ctx) {
          segments = await waitUntil(async () => {
            const s = byLabels(await api.query(SEGMENT_QUERY), 'segment', 'action');
            return [...s.values()].some((a) => (a.get('purchase') ?? 0) > 0) ? s : undefined;
          }, 'purchases counted by segment');
          const unknown = [...segments.keys()].filter((s) => !SEGMENTS.includes(s));
          if (unknown.length)
            throw new Error(`segments outside ${SEGMENTS.join(', ')}: ${unknown.join(', ')}`);
          for (const [segment, actions] of segments)
            ctx.note(`${segment}: ${[...actions].map(([a, n]) => `${a} ${n}`).join(', ')}`);
        },
      },
      {
        title: 'Compare conversion by segment: purchases per product view',
        async run(ctx) {
          for (const [segment, actions] of segments) {
            const views = actions.get('view_product') ?? 0;
            ctx.note(
              `${segment}: ${views ? pct((actions.get('purchase') ?? 0) / views) : 'no views'}`,
            );
          }
          return 'segments come from order history: the demo personas turn returning, then vip, as the generator buys for them';
        },
      },
      {
        title: 'Look for at-risk customers',
        command: `curl -s 'localhost:3002/api/metrics/query?${AT_RISK_QUERY}'`,
        async run() {
          const series = await api.query(AT_RISK_QUERY);
          const n = [...totalsBy(series, 'action').values()].reduce((a, b) => a + b, 0);
          return n > 0
            ? `${n} actions by at-risk customers`
            : 'none: the demo personas shop often, so none is at risk (the query answers, with no series)';
        },
      },
    ];
  },
};
