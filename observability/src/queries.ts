// The PromQL the project depends on — every dashboard panel, every alerting and recording rule, and
// the learning path's example queries — and just enough PromQL reading to list the metric names an
// expression uses. The config tests and the live telemetry contract test share these.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const CONFIG = fileURLToPath(new URL('../config', import.meta.url));

export interface PanelQuery {
  dashboard: string;
  panel: string;
  expr: string;
  datasource: string;
}

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The learning path's example queries, phrased for this system. */
export const LEARNING_PATH_QUERIES = [
  '1 - (sum(rate(webstore_funnel_stage_total{stage="checkout_complete"}[5m])) / sum(rate(webstore_funnel_stage_total{stage="add_to_cart"}[5m])))',
  'sum(rate(webstore_customer_segment_total[5m])) by (segment)',
  'sum(rate(webstore_customer_segment_total{segment="at_risk"}[5m])) by (action)',
  'sum by (country) (rate(webstore_payments_total{outcome="declined",country="BR"}[5m]))',
];

export function ruleFiles(): string[] {
  return readdirSync(join(CONFIG, 'prometheus/rules')).map((f) =>
    join(CONFIG, 'prometheus/rules', f),
  );
}

export function rules(): Rule[] {
  return ruleFiles().flatMap((f) =>
    (parse(readFileSync(f, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
      (g) => g.rules,
    ),
  );
}

export function dashboards(): {
  title: string;
  panels: { title: string; targets: { expr: string; datasource: { uid: string } }[] }[];
}[] {
  const dir = join(CONFIG, 'grafana/dashboards');
  return readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
}

export function panelQueries(): PanelQuery[] {
  return dashboards().flatMap((d) =>
    d.panels.flatMap((p) =>
      p.targets.map((t) => ({
        dashboard: d.title,
        panel: p.title,
        expr: t.expr,
        datasource: t.datasource.uid,
      })),
    ),
  );
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
  'Inf',
  'NaN',
]);

/** Metric names referenced by a PromQL expression (functions, labels, keywords and strings excluded). */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\boffset\s+-?[0-9][0-9a-z]*/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const token = match[0];
    const next = stripped.slice(match.index! + token.length).trimStart();
    if (KEYWORDS.has(token) || next.startsWith('(')) continue;
    names.add(token);
  }
  return [...names];
}

/** Grafana macros replaced by values Prometheus accepts, for syntax checks. */
export function withoutGrafanaMacros(expr: string): string {
  return expr.replace(/\$__range|\$__rate_interval|\$__interval/g, '5m');
}
