// Our configs use only keys, flags and feature names the pinned components define. What each
// component defines is recorded in upstream-keys.json, with the upstream source it was read from;
// a key missing there has to be read upstream at the pinned tag and recorded before it is used.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type KeySpec = Record<string, string[]>;
interface Recorded {
  source: string;
  keys?: KeySpec;
  flags?: string[];
  features?: string[];
}
const upstream = JSON.parse(
  readFileSync(fileURLToPath(new URL('upstream-keys.json', import.meta.url)), 'utf8'),
) as {
  collector: Record<string, Recorded>;
  tempo: Recorded;
  loki: Recorded;
  prometheus: Recorded;
  alertmanager: Recorded;
  grafana: {
    tracesToLogsV2: { source: string; keys: string[] };
    featureToggles: { source: string; verified: string[] };
  };
};
const file = (p: string) =>
  readFileSync(fileURLToPath(new URL(`../../../${p}`, import.meta.url)), 'utf8');
const yaml = (p: string) => parse(file(p));
const compose = parse(file('docker-compose.yml'), { merge: true });

/** Keys of `value` (recursively) that `spec` does not allow, as dotted paths. */
function unknownKeys(value: unknown, spec: KeySpec, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => unknownKeys(v, spec, `${path}[]`));
  if (value === null || typeof value !== 'object') return [];
  const last = path.split('.').pop()!.replace(/\[\]$/, '');
  const allowed = spec[path] ?? (path.includes('.') ? spec[last] : undefined);
  if (!allowed) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const child = path ? `${path}.${k}` : k;
    return allowed.includes(k) ? unknownKeys(v, spec, child) : [child];
  });
}

/** `--name=value` / `-name=value` words of a compose command as [name, value]. */
const flags = (command: string[]) =>
  command.map((w) => w.replace(/^--?/, '').split('=') as [string, string | undefined]);

describe('recorded upstream keys', () => {
  it('name the source each was read from', () => {
    const entries = [
      ...Object.entries(upstream.collector)
        .filter(([k]) => !k.startsWith('$'))
        .map(([, v]) => v),
      upstream.tempo,
      upstream.loki,
      upstream.prometheus,
      upstream.alertmanager,
      upstream.grafana.tracesToLogsV2,
      upstream.grafana.featureToggles,
    ];
    for (const e of entries) expect(e.source).toMatch(/\S{8,}/);
  });

  it('reject a key they do not know', () => {
    expect(
      unknownKeys({ store: { ttl: '1s', tll: 1 } }, { '': ['store'], store: ['ttl'] }),
    ).toEqual(['store.tll']);
  });
});

describe('the collector config', () => {
  const collector = yaml('observability/config/otel-collector.yaml');
  const sections = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'] as const;
  const instances = sections.flatMap((section) =>
    Object.entries(collector[section] ?? {}).map(([name, config]) => {
      const type = name.split('/')[0]!;
      const key =
        type === 'otlp' ? `otlp/${section === 'receivers' ? 'receiver' : 'exporter'}` : type;
      return [`${section}.${name}`, key, config ?? {}] as const;
    }),
  );

  it.each(instances)('%s uses only keys its component defines', (_, type, config) => {
    const recorded = upstream.collector[type];
    expect(recorded, `no recorded keys for component type ${type}`).toBeDefined();
    expect(unknownKeys(config, recorded!.keys!)).toEqual([]);
  });

  it('has a service section of known keys', () => {
    expect(unknownKeys(collector.service, upstream.collector.service!.keys!)).toEqual([]);
  });
});

describe('Tempo, Loki and Prometheus configs', () => {
  it.each([
    ['tempo', 'observability/config/tempo.yaml'],
    ['loki', 'observability/config/loki.yaml'],
    ['prometheus', 'observability/config/prometheus/prometheus.yml'],
  ] as const)('%s uses only keys the pinned version defines', (component, path) => {
    expect(unknownKeys(yaml(path), upstream[component].keys!)).toEqual([]);
  });
});

describe('compose commands', () => {
  it.each(['prometheus', 'alertmanager', 'tempo', 'loki'] as const)(
    '%s is started with flags its version defines',
    (service) => {
      const command = compose.services[service].command as string[];
      const unknown = flags(command)
        .map(([name]) => name)
        .filter((name) => !upstream[service].flags!.includes(name));
      expect(unknown).toEqual([]);
    },
  );

  it('enables only Prometheus feature flags that Prometheus 3.7.3 still has', () => {
    const features = flags(compose.services.prometheus.command as string[])
      .filter(([name]) => name === 'enable-feature')
      .flatMap(([, value]) => (value ?? '').split(','));
    expect(features.filter((f) => !upstream.prometheus.features!.includes(f))).toEqual([]);
  });
});

describe('Grafana', () => {
  it('provisions trace-to-logs with keys Grafana reads', () => {
    const tempo = (
      yaml('observability/config/grafana/provisioning/datasources/datasources.yaml')
        .datasources as { uid: string; jsonData: { tracesToLogsV2: object } }[]
    ).find((d) => d.uid === 'tempo')!;
    const keys = Object.keys(tempo.jsonData.tracesToLogsV2);
    expect(keys.filter((k) => !upstream.grafana.tracesToLogsV2.keys.includes(k))).toEqual([]);
  });

  it('enables only feature toggles read in the 12.2.1 registry', () => {
    const env = compose.services.grafana.environment ?? {};
    const toggles = String(env.GF_FEATURE_TOGGLES_ENABLE ?? '')
      .split(/[ ,]+/)
      .filter(Boolean);
    expect(toggles.filter((t) => !upstream.grafana.featureToggles.verified.includes(t))).toEqual(
      [],
    );
  });
});
