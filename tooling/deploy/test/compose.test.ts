import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig as loadConsoleConfig } from '@webstore/console/config';
import { loadServiceConfig } from '@webstore/consumer-runtime';
import { loadConfig as loadGatewayConfig } from '@webstore/gateway/config';
import { allTopics } from '@webstore/schemas';
import { bindMounts, imagesOf, isPinned, parsePort, readCompose } from '../src/compose.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const composePath = join(root, 'docker-compose.yml');
const compose = readCompose(composePath);
const services = Object.entries(compose.services);
const env = (name: string): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(compose.services[name]!.environment ?? {}).map(([k, v]) => [k, String(v)]),
  );

describe('docker-compose.yml validity', () => {
  it('passes dclint against the current Compose Specification schema', () => {
    const dclint = join(root, 'node_modules', '.bin', 'dclint');
    const result = spawnSync(dclint, ['docker-compose.yml'], { cwd: root, encoding: 'utf8' });
    expect(result.stdout + result.stderr).not.toMatch(/error/);
    expect(result.status).toBe(0);
  });

  it('passes `docker-compose config` (Compose 1.29, so no post-2022 keys sneak in)', () => {
    const out = execFileSync('docker-compose', ['-f', composePath, 'config', '--services'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(out.trim().split('\n').sort()).toEqual(services.map(([name]) => name).sort());
  });
});

describe('docker-compose.yml consistency', () => {
  it('mounts only config files that exist', () => {
    const missing = services.flatMap(([name, s]) =>
      bindMounts(s)
        .filter((m) => !existsSync(join(root, m.host)))
        .map((m) => `${name}: ${m.host}`),
    );
    expect(missing).toEqual([]);
  });

  it('pins every image to a version', () => {
    const images = services.flatMap(([, s]) => imagesOf(s));
    expect(images.length).toBeGreaterThan(5);
    expect(images.filter((i) => !isPinned(i))).toEqual([]);
    for (const file of ['Dockerfile', 'deploy/probe.Dockerfile']) {
      const froms =
        readFileSync(join(root, file), 'utf8').match(/^(ARG NODE_IMAGE=|FROM )(\S+)/gm) ?? [];
      for (const from of froms) {
        const image = from.replace(/^(ARG NODE_IMAGE=|FROM )/, '');
        if (!image.startsWith('$')) expect(isPinned(image), `${file}: ${image}`).toBe(true);
      }
    }
  });

  it('publishes unique host ports, on loopback only, matching the documented URLs', () => {
    const published = services.flatMap(([name, s]) =>
      (s.ports ?? []).map((p) => ({ name, ...parsePort(p) })),
    );
    const hostPorts = published.map((p) => p.hostPort);
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    expect(published.filter((p) => p.hostIp !== '127.0.0.1')).toEqual([]);
    const documented: Record<string, number> = {
      grafana: 3000,
      gateway: 8000,
      prometheus: 9090,
      alertmanager: 9093,
      kafka: 9092,
      tempo: 3200,
      loki: 3100,
      storefront: 3001,
      console: 3002,
      'otel-collector': 4317,
    };
    for (const [service, port] of Object.entries(documented)) {
      expect(published.find((p) => p.name === service)?.hostPort, service).toBe(port);
    }
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const fullStack = readme.slice(readme.indexOf('## Full stack'));
    for (const port of [3000, 3001, 3002, 8000, 9090, 9093])
      expect(fullStack).toContain(`localhost:${port}`);
  });

  it('leaves the host OTLP ports to the collector: the console receives only on the network', () => {
    const consoleConfig = loadConsoleConfig(env('console'), '/app');
    const published = (compose.services.console!.ports ?? []).map(parsePort);
    expect(published.map((p) => p.containerPort)).toEqual([consoleConfig.port]);
    const otlpOnHost = services.flatMap(([name, s]) =>
      (s.ports ?? [])
        .map(parsePort)
        .filter((p) => p.hostPort === 4317 || p.hostPort === 4318)
        .map((p) => `${name}:${p.containerPort}`),
    );
    expect(otlpOnHost.sort()).toEqual(['otel-collector:4317', 'otel-collector:4318']);
  });

  it('makes every service_healthy dependency point at a service with a health check', () => {
    // Services built from our Dockerfile inherit its HEALTHCHECK.
    const dockerfileHasHealthcheck = /^HEALTHCHECK /m.test(
      readFileSync(join(root, 'Dockerfile'), 'utf8'),
    );
    const hasHealthcheck = (s: (typeof compose.services)[string]) =>
      (s.healthcheck !== undefined && !s.healthcheck.disable) ||
      (s.build?.context === '.' &&
        !s.build.dockerfile &&
        dockerfileHasHealthcheck &&
        !s.healthcheck?.disable);
    for (const [name, s] of services) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(compose.services[dep], `${name} depends on unknown ${dep}`).toBeDefined();
        if (condition === 'service_healthy')
          expect(hasHealthcheck(compose.services[dep]!), `${dep} (needed by ${name})`).toBe(true);
      }
    }
    // One-shot jobs (topic creation, the traffic generator) have nothing to probe.
    const withoutHealth = services.filter(([, s]) => !hasHealthcheck(s)).map(([n]) => n);
    expect(withoutHealth.sort()).toEqual(['kafka-init', 'traffic']);
  });

  it('probes each Node service on the port its own configuration listens on', () => {
    // The image's probe asks PORT (8000 when unset); a service's own probe names its URL.
    const probed = (name: string) => {
      const test = ([] as string[]).concat(compose.services[name]!.healthcheck?.test ?? []);
      const own = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(test.join(' '));
      return Number(own ? own[1] : (env(name).PORT ?? 8000));
    };
    const listening: Record<string, number> = {
      gateway: loadGatewayConfig(env('gateway')).port,
      console: loadConsoleConfig(env('console'), '/app').port,
      storefront: Number(env('storefront').PORT ?? 3001),
      ...Object.fromEntries(
        (['inventory', 'payment', 'analytics'] as const).map((n) => [
          n,
          loadServiceConfig(env(n), n, 0).port,
        ]),
      ),
    };
    const probedServices = services
      .filter(([, s]) => s.build?.context === '.' && !s.healthcheck?.disable)
      .map(([name]) => name);
    expect(probedServices.sort()).toEqual(Object.keys(listening).sort());
    for (const name of probedServices) expect(probed(name), name).toBe(listening[name]);
  });

  it('sends the browser’s spans through the store’s server to the collector, which opens no CORS', () => {
    const collector = parse(
      readFileSync(join(root, 'observability/config/otel-collector.yaml'), 'utf8'),
    ) as { receivers: { otlp: { protocols: { http: Record<string, unknown> } } } };
    const http = collector.receivers.otlp.protocols.http;
    expect(env('storefront').BROWSER_OTLP_ENDPOINT).toBe(
      `http://otel-collector:${String(http.endpoint).split(':').pop()}`,
    );
    expect(http.cors, 'no CORS on the collector’s OTLP/HTTP receiver').toBeUndefined();
    expect(env('storefront').CONSOLE_API_URL).toBe(`http://console:${env('console').CONSOLE_PORT}`);
  });

  it('creates exactly the topics of the topic catalog', () => {
    const command = ([] as string[])
      .concat(compose.services['kafka-init']!.command ?? [])
      .join(' ');
    const created = [...command.matchAll(/(webstore\.[a-z.0-9]+):(\d+)/g)]
      .map((m) => `${m[1]}:${m[2]}`)
      .sort();
    expect(created).toEqual(
      allTopics()
        .map((t) => `${t.name}:${t.partitions}`)
        .sort(),
    );
  });

  it('points every service at the collector and Kafka by their compose names', () => {
    const collector = parse(
      readFileSync(join(root, 'observability/config/otel-collector.yaml'), 'utf8'),
    );
    const grpc: string = collector.receivers.otlp.protocols.grpc.endpoint;
    const grpcPort = grpc.split(':').at(-1);
    for (const [name, s] of services) {
      const env = s.environment ?? {};
      if (env.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined) {
        expect(env.OTEL_EXPORTER_OTLP_ENDPOINT, name).toBe(`http://otel-collector:${grpcPort}`);
      }
      if (env.KAFKA_BROKERS !== undefined) expect(env.KAFKA_BROKERS, name).toBe('kafka:19092');
    }
    expect(compose.services.kafka!.environment!.KAFKA_ADVERTISED_LISTENERS).toContain(
      'INTERNAL://kafka:19092',
    );
  });

  it('builds every Node service from a package that exists, with an entry its build produces', () => {
    for (const [name, s] of services.filter(([, s]) => s.build?.context === '.')) {
      const { PACKAGE, ENTRY } = s.build!.args ?? {};
      expect(PACKAGE, name).toBeDefined();
      // The package is the nearest folder above the entry that has a package.json.
      let dir = dirname(ENTRY!);
      while (!existsSync(join(root, dir, 'package.json'))) dir = dirname(dir);
      const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
      expect(pkg.name, name).toBe(PACKAGE);
      expect(pkg.scripts?.build, `${PACKAGE} has a build script`).toBeDefined();
    }
    for (const [, s] of services.filter(([, s]) => s.build)) {
      expect(existsSync(join(root, s.build!.context, s.build!.dockerfile ?? 'Dockerfile'))).toBe(
        true,
      );
    }
  });

  it('gives every Node service an environment its own configuration accepts', () => {
    const gateway = loadGatewayConfig(env('gateway'));
    expect(gateway.port).toBe(8000);
    expect(gateway.managementUrls.payment).toBe('http://payment:8102');
    for (const [name, port] of [
      ['inventory', 8101],
      ['payment', 8102],
      ['analytics', 8103],
    ] as const) {
      const config = loadServiceConfig(env(name), name, 0);
      expect(config.port, name).toBe(port);
      expect(config.kafkaBrokers, name).toEqual(['kafka:19092']);
      expect(config.host, name).toBe('0.0.0.0');
    }
    expect(() => loadGatewayConfig({ ...env('gateway'), KAFKA_BROKERS: 'kafka' })).toThrow(
      /KAFKA_BROKERS/,
    );
    expect(loadConsoleConfig(env('console'), '/app')).toMatchObject({
      port: 3002,
      otlpGrpcPort: 4317,
      otlpHttpPort: 4318,
      host: '0.0.0.0',
      dataDir: '/app/.data/console',
      uiDir: expect.stringMatching(/\/console\/dist-ui$/),
    });
    expect(() =>
      loadConsoleConfig({ ...env('console'), CONSOLE_OTLP_GRPC_PORT: 'otlp' }, '/app'),
    ).toThrow(/CONSOLE_OTLP_GRPC_PORT/);
  });

  it('bakes no secrets into the file', () => {
    // A value taken from the operator's shell (`${ADMIN_TOKEN:-}`) is not baked in.
    const text = readFileSync(composePath, 'utf8').replace(/\$\{[A-Z_]+:-\}/g, '');
    expect(text).not.toMatch(/(PASSWORD|SECRET|TOKEN|API_KEY)[ \t]*:[ \t]*\S+/i);
    expect(text).not.toMatch(/(user|admin|test)-token-\d+/);
  });
});
