// Named volumes are writable by the service that mounts them: each mount point exists in the image
// and belongs to the image's user (derived from the Dockerfile, or from upstream Dockerfiles as
// recorded in test/fixtures/upstream-images.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCompose } from '../src/compose.js';
import { imagePaths, ownedByUser } from '../src/image-paths.js';
import { checkVolumes, namedVolumeMounts, type UpstreamFacts } from '../src/volumes.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
const upstream = JSON.parse(readFileSync(fixture('upstream-images.json'), 'utf8')) as UpstreamFacts;
const compose = readCompose(join(root, 'docker-compose.yml'));
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

describe('named volumes', () => {
  it('are each mounted where the image has a directory its user owns', () => {
    const report = checkVolumes(compose, dockerfile, upstream);
    expect(report.problems).toEqual([]);
    // Images taken on trust: their Dockerfiles could not be read at the pinned tag.
    expect(report.unverified).toEqual(['apache/kafka:3.9.1', 'grafana/grafana:12.2.1']);
  });

  it('hold every service data directory, so state survives a container being recreated', () => {
    const mounts = namedVolumeMounts(compose);
    const dataDirs = Object.entries(compose.services).flatMap(([name, s]) =>
      Object.entries(s.environment ?? {})
        .filter(([key]) => /(^|_)DATA_DIR$/.test(key))
        .map(([key, dir]) => ({ name, key, dir: String(dir) })),
    );
    // DATA_DIR of the gateway and each consumer, CONSOLE_DATA_DIR of the console.
    expect(dataDirs.map((d) => d.name).sort()).toEqual(
      ['analytics', 'console', 'gateway', 'inventory', 'payment'].sort(),
    );
    for (const { name, key, dir } of dataDirs) {
      const inside = mounts.filter(
        (m) => m.service === name && `${dir}/`.startsWith(`${m.target}/`),
      );
      expect(inside, `${name} ${key} ${dir}`).toHaveLength(1);
    }
  });

  it('fails for per-service mount points the image does not create (the stack before the fix)', () => {
    const before = checkVolumes(
      readCompose(fixture('docker-compose.volume-per-service.yml')),
      readFileSync(fixture('Dockerfile.data-root-only'), 'utf8'),
      upstream,
    );
    expect(before.problems).toEqual(
      ['inventory', 'payment', 'analytics', 'gateway'].map(
        (s) =>
          `${s}: volume ${s}-data is mounted at /app/.data/${s}, which Dockerfile does not create, so the volume root is root-owned and user node cannot write it`,
      ),
    );
  });

  it('names images it has no facts for', () => {
    const report = checkVolumes(
      {
        services: { db: { image: 'postgres:17.2', volumes: ['db:/var/lib/postgresql/data'] } },
        volumes: { db: {} },
      },
      dockerfile,
      upstream,
    );
    expect(report.problems).toEqual([
      'db: no recorded facts for image "postgres:17.2"; read its Dockerfile',
    ]);
  });
});

describe('imagePaths', () => {
  it('follows mkdir, chown -R, WORKDIR, COPY --chown and USER in the final stage only', () => {
    const image = imagePaths(
      [
        'FROM node:22.1.0 AS build',
        'RUN mkdir -p /app/build-only',
        'FROM node:22.1.0',
        'WORKDIR /app',
        'COPY --from=build --chown=node:node /app /app',
        'RUN mkdir -p /app/.data/a /srv/x && chown -R node:node /app/.data',
        'USER node',
        'RUN mkdir /app/.data/by-node',
      ].join('\n'),
    );
    expect(image.user).toBe('node');
    expect(Object.fromEntries(image.paths)).toMatchObject({
      '/app': 'node',
      '/app/.data': 'node',
      '/app/.data/a': 'node',
      '/app/.data/by-node': 'node',
      '/srv/x': 'root',
    });
    expect(image.paths.has('/app/build-only')).toBe(false);
  });

  it('reads exec-form RUN, relative paths, ENV expansion and numeric users bound by adduser', () => {
    const image = imagePaths(
      [
        'FROM gcr.io/distroless/static-debian12:debug',
        'ENV DATA=/var/svc',
        'RUN ["/busybox/adduser", "-u", "10001", "-S", "svc", "-G", "svc"]',
        'RUN ["/busybox/mkdir", "-p", "/var/svc", "-m", "0700"]',
        'RUN chown -R svc:svc "$DATA" etc/svc',
        'USER 10001:10001',
      ].join('\n'),
    );
    expect(image.paths.get('/var/svc')).toBe('svc');
    expect(ownedByUser(image, 'svc')).toBe(true);
    expect(ownedByUser(image, 'root')).toBe(false);
  });
});
