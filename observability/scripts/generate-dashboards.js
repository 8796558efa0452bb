// Writes config/grafana/dashboards/*.json from scripts/dashboards.js; `--check` fails when stale.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dashboards } from './dashboards.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'config/grafana/dashboards');
const DATASOURCES = {
  prometheus: { type: 'prometheus', uid: 'prometheus' },
  loki: { type: 'loki', uid: 'loki' },
};

function panel(p, index) {
  const datasource = DATASOURCES[p.datasource ?? 'prometheus'];
  const targets = (p.targets ?? [{ expr: p.expr, legend: p.legend }]).map((t, i) => ({
    refId: String.fromCharCode(65 + i),
    datasource,
    expr: t.expr,
    ...(t.legend ? { legendFormat: t.legend } : {}),
    ...(t.exemplar ? { exemplar: true } : {}),
  }));
  const wide = p.type === 'logs' || p.type === 'table';
  return {
    id: index + 1,
    type: p.type ?? 'timeseries',
    title: p.title,
    datasource,
    gridPos: {
      x: wide ? 0 : (index % 2) * 12,
      y: Math.floor(index / 2) * 8,
      w: wide ? 24 : 12,
      h: 8,
    },
    fieldConfig: { defaults: p.unit ? { unit: p.unit } : {}, overrides: [] },
    options: {},
    targets,
  };
}

const check = process.argv.includes('--check');
const stale = [];
for (const d of dashboards) {
  const json = {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ['webstore'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    refresh: '10s',
    time: { from: 'now-1h', to: 'now' },
    panels: d.panels.map(panel),
  };
  const file = join(out, `${d.uid}.json`);
  const text = `${JSON.stringify(json, null, 2)}\n`;
  if (check) {
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) stale.push(file);
  } else writeFileSync(file, text);
}
if (stale.length > 0) {
  console.error(
    `stale dashboards; run \`npm run generate:dashboards -w @webstore/observability\`:\n  ${stale.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(
  check ? 'dashboards are up to date' : `wrote ${dashboards.length} dashboards to ${out}`,
);
