// Just enough PromQL reading to list the metric names an expression uses.
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
