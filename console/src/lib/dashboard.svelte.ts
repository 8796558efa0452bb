// What every dashboard panel shares: the time range and traffic toggle (both in the URL), the
// metric catalog (to know which metrics carry a `synthetic` label), a refresh tick, and the query
// helper that turns a panel's query into series over the range and totals for the whole range.
import { api, type MetricInfo, type MetricSeries } from './api.js';
import { here } from './router.svelte.js';

export const RANGES: Record<string, number> = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
};
export type Traffic = 'all' | 'real' | 'synthetic';

class Dashboard {
  range = $derived(here.params.range && RANGES[here.params.range] ? here.params.range : '1h');
  traffic = $derived(
    (['real', 'synthetic'].includes(here.params.traffic ?? '')
      ? here.params.traffic
      : 'all') as Traffic,
  );
  catalog = $state.raw<Map<string, MetricInfo> | null>(null);
  catalogError = $state<unknown>(null);
  tick = $state(0);
}
export const dashboard = new Dashboard();

let timer: ReturnType<typeof setInterval> | undefined;
/** Loads the catalog and refreshes the panels every 10 s while a dashboard is open. */
export function startDashboard(): () => void {
  const refresh = () =>
    api.metrics().then(
      (r) => {
        // Replaced whole on each refresh ($state.raw), never mutated.
        // eslint-disable-next-line svelte/prefer-svelte-reactivity
        dashboard.catalog = new Map(r.metrics.map((m) => [m.name, m]));
        dashboard.catalogError = null;
        dashboard.tick++;
      },
      (err) => (dashboard.catalogError = err),
    );
  void refresh();
  timer = setInterval(refresh, 10_000);
  return () => clearInterval(timer);
}

export interface PanelQuery {
  name: string;
  fn: string;
  by?: string;
  where?: string;
  /** Names the query's series (default: its label values). */
  label?: string;
}

/** The panel's `where`, plus the synthetic matcher if the metric has that label. */
export function whereFor(
  q: PanelQuery,
  traffic: Traffic,
  catalog: Map<string, MetricInfo>,
): string | undefined {
  const parts = q.where ? [q.where] : [];
  const labels = catalog.get(q.name)?.labels ?? [];
  if (traffic !== 'all' && labels.includes('synthetic'))
    parts.push(`synthetic:${traffic === 'synthetic'}`);
  return parts.join(',') || undefined;
}

/** Whether the traffic toggle applies to this metric. */
export const filtersTraffic = (name: string, catalog: Map<string, MetricInfo>) =>
  catalog.get(name)?.labels.includes('synthetic') ?? false;

export interface Result {
  series: (MetricSeries & { name: string })[];
  /** One value per series over the whole range. */
  totals: { labels: Record<string, string>; name: string; value: number }[];
}

const seriesName = (q: PanelQuery, labels: Record<string, string>) =>
  [q.label, ...Object.values(labels)].filter(Boolean).join(' ') || q.name;

/** Runs the panel's queries: series over the range (about 60 points) and totals, if asked. */
export async function runQueries(queries: PanelQuery[], withTotals: boolean): Promise<Result> {
  const catalog = dashboard.catalog ?? new Map<string, MetricInfo>(); // eslint-disable-line svelte/prefer-svelte-reactivity
  const span = RANGES[dashboard.range]!;
  const to = Date.now();
  const from = to - span;
  const common = (q: PanelQuery) => ({
    name: q.name,
    fn: q.fn,
    by: q.by,
    where: whereFor(q, dashboard.traffic, catalog),
    from,
    to,
  });
  // A metric nobody has sent yet has no series (the API would answer 400 for its name).
  const answers = await Promise.all(
    queries
      .filter((q) => catalog.has(q.name))
      .map(async (q) => {
        const [over, total] = await Promise.all([
          api.query({ ...common(q), step: Math.max(10_000, Math.round(span / 60)) }),
          withTotals ? api.query({ ...common(q), step: span }) : Promise.resolve(null),
        ]);
        return { q, over, total };
      }),
  );
  return {
    series: answers.flatMap(({ q, over }) =>
      over.series.map((s) => ({ ...s, name: seriesName(q, s.labels) })),
    ),
    totals: answers.flatMap(({ q, total }) =>
      (total?.series ?? []).map((s) => ({
        labels: s.labels,
        name: seriesName(q, s.labels),
        value: s.points.reduce((n, [, v]) => n + (v ?? 0), 0),
      })),
    ),
  };
}
