// Generates Prometheus recording rules, burn-rate alerts and promtool tests from slo/slos.yaml.
//   node scripts/generate-slo-rules.js           write config/prometheus/rules/slo.yml and tests/slo.test.yml
//   node scripts/generate-slo-rules.js --check   exit 1 if either file differs from what the spec gives
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const spec = parse(readFileSync(join(root, 'slo/slos.yaml'), 'utf8'));
const WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];
// Workbook table 5-8: page on 2 % of the budget in 1 h or 5 % in 6 h; ticket on 10 % in 3 d.
const ALERTS = [
  {
    alert: 'SLOFastBurn',
    severity: 'page',
    for: '2m',
    pairs: [
      [14.4, '1h', '5m'],
      [6, '6h', '30m'],
    ],
  },
  {
    alert: 'SLOSlowBurn',
    severity: 'ticket',
    for: '15m',
    pairs: [
      [3, '1d', '2h'],
      [1, '3d', '6h'],
    ],
  },
];
const record = (w) => `slo:sli_error:ratio_rate${w}`;

function annotations(slo, a, errorRatio) {
  return {
    summary: `${slo.name}: error budget burning ${a.severity === 'page' ? 'fast' : 'steadily'}`,
    description: `${slo.description} Objective ${(slo.objective * 100).toFixed(1)} %; error ratio over the long window: ${errorRatio} (budget ${((1 - slo.objective) * 100).toFixed(1)} %).`,
    runbook: `Open the "SLOs & error budgets" dashboard for ${slo.name}; follow the worst window to the Service health or Async flow dashboard, then to an exemplar trace.`,
  };
}

function rules() {
  const groups = spec.slos.map((slo) => {
    const budget = +(1 - slo.objective).toFixed(6);
    const recording = WINDOWS.map((w) => ({
      record: record(w),
      expr: `(${slo.errors.replaceAll('{{window}}', w)})\n/\n(${slo.total.replaceAll('{{window}}', w)})`,
      labels: { slo: slo.name },
    }));
    const alerts = ALERTS.map((a) => ({
      alert: a.alert,
      expr: a.pairs
        .map(
          ([factor, long, short]) =>
            `(${record(long)}{slo="${slo.name}"} > (${factor} * ${budget}) and ${record(short)}{slo="${slo.name}"} > (${factor} * ${budget}))`,
        )
        .join('\nor\n'),
      for: a.for,
      labels: { severity: a.severity, team: slo.team, slo: slo.name },
      annotations: annotations(slo, a, '{{ $value | humanizePercentage }}'),
    }));
    return { name: `slo-${slo.name}`, rules: [...recording, ...alerts] };
  });
  return `# Generated from slo/slos.yaml by scripts/generate-slo-rules.js. Do not edit.\n${stringify({ groups }, { lineWidth: 0 })}`;
}

/** promtool tests: for each SLO, healthy traffic stays silent; total failure pages, then tickets. */
function tests() {
  const series = (slo, burning) => {
    const grow = (role) => (role === 'total' ? true : role === 'good' ? !burning : burning);
    return Object.entries(slo.test).flatMap(([role, names]) =>
      names.map((name) => ({ series: name, values: grow(role) ? '0+60x240' : '0+0x240' })),
    );
  };
  const labels = (slo, a) => ({ severity: a.severity, team: slo.team, slo: slo.name });
  const cases = spec.slos.flatMap((slo) => [
    {
      interval: '1m',
      input_series: series(slo, false),
      alert_rule_test: ALERTS.map((a) => ({ eval_time: '3h', alertname: a.alert, exp_alerts: [] })),
    },
    {
      interval: '1m',
      input_series: series(slo, true),
      alert_rule_test: [
        { eval_time: '1m', alertname: 'SLOFastBurn', exp_alerts: [] },
        // Everything fails, so the long-window error ratio is 100 %.
        {
          eval_time: '10m',
          alertname: 'SLOFastBurn',
          exp_alerts: [
            {
              exp_labels: labels(slo, ALERTS[0]),
              exp_annotations: annotations(slo, ALERTS[0], '100%'),
            },
          ],
        },
        { eval_time: '10m', alertname: 'SLOSlowBurn', exp_alerts: [] },
        {
          eval_time: '30m',
          alertname: 'SLOSlowBurn',
          exp_alerts: [
            {
              exp_labels: labels(slo, ALERTS[1]),
              exp_annotations: annotations(slo, ALERTS[1], '100%'),
            },
          ],
        },
      ],
    },
  ]);
  return `# Generated from slo/slos.yaml by scripts/generate-slo-rules.js. Do not edit.\n${stringify(
    { rule_files: ['../rules/slo.yml'], evaluation_interval: '1m', tests: cases },
    { lineWidth: 0 },
  )}`;
}

const outputs = [
  [join(root, 'config/prometheus/rules/slo.yml'), rules()],
  [join(root, 'config/prometheus/tests/slo.test.yml'), tests()],
];
if (process.argv.includes('--check')) {
  const stale = outputs
    .filter(([file, text]) => !existsSync(file) || readFileSync(file, 'utf8') !== text)
    .map(([file]) => file);
  if (stale.length > 0) {
    console.error(
      `stale SLO rules; run \`npm run generate:slo -w @webstore/observability\`:\n  ${stale.join('\n  ')}`,
    );
    process.exit(1);
  }
  console.log('SLO rules are up to date');
} else {
  for (const [file, text] of outputs) writeFileSync(file, text);
  console.log(`wrote ${outputs.map(([f]) => f).join(', ')}`);
}
