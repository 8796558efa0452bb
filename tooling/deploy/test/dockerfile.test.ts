import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { instructions, lintDockerfile } from '../src/dockerfile-lint.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** The service Dockerfile's instructions, per stage name. */
function stages(): Map<string, ReturnType<typeof instructions>> {
  const byStage = new Map<string, ReturnType<typeof instructions>>();
  let current: ReturnType<typeof instructions> = [];
  for (const ins of instructions(readFileSync(join(root, 'Dockerfile'), 'utf8'))) {
    if (ins.keyword === 'FROM') {
      current = [];
      byStage.set(ins.args.split(/\s+AS\s+/i)[1] ?? ins.args, current);
    } else current.push(ins);
  }
  return byStage;
}

describe('project Dockerfiles', () => {
  it('the service Dockerfile is clean', () => {
    expect(
      lintDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'), { service: true }),
    ).toEqual([]);
  });

  it('the probe Dockerfile is clean', () => {
    expect(lintDockerfile(readFileSync(join(root, 'deploy/probe.Dockerfile'), 'utf8'))).toEqual([]);
  });

  it('the service image runs on Node 22 with the telemetry preload in NODE_OPTIONS', () => {
    const text = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(text).toMatch(/ARG NODE_IMAGE=node:22\.\d+\.\d+-/);
    expect(text).toMatch(/NODE_OPTIONS="--import @webstore\/observability\/register"/);
  });

  it('copies every workspace into the build stage, so `npm ci` and every service build find it', () => {
    const copied = stages()
      .get('build')!
      .filter((i) => i.keyword === 'COPY')
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1))
      .map((src) => src.replace(/^\.\//, '').replace(/\/$/, ''));
    const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
      .workspaces as string[];
    const missing = workspaces
      .map((w) => w.replace(/\/\*$/, ''))
      .filter((dir) => !copied.some((src) => dir === src || dir.startsWith(`${src}/`)));
    expect(missing).toEqual([]);
  });

  it('compiles native addons in the build stage only: the runtime stage installs nothing', () => {
    const all = stages();
    const build = all
      .get('build')!
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args);
    // better-sqlite3 falls back to node-gyp when no prebuilt binary can be fetched.
    expect(build.join(' ')).toMatch(
      /apt-get install -y --no-install-recommends python3 make g\+\+/,
    );
    const runtime = all.get('runtime')!;
    expect(
      runtime.filter((i) => i.keyword === 'RUN' && /apt-get|npm (ci|install)/.test(i.args)),
    ).toEqual([]);
    expect(runtime.filter((i) => i.keyword === 'COPY').map((i) => i.args)).toEqual([
      '--from=build --chown=node:node /app /app',
    ]);
  });
});

describe('lintDockerfile', () => {
  const rules = (text: string, service = false) =>
    lintDockerfile(text, { service }).map((f) => f.rule);

  it('flags unpinned and latest base images, but not build stages or pinned ARG defaults', () => {
    expect(rules('FROM node\n')).toContain('DL3006');
    expect(rules('FROM node:latest\n')).toContain('DL3006');
    expect(rules('ARG B=node:22.1.0\nFROM ${B} AS build\nFROM build\n')).toEqual([]);
  });

  it('requires a non-root user, a health check and pruned dependencies in service images', () => {
    const found = rules('FROM node:22.1.0\nRUN npm ci\nCMD ["node","x.js"]\n', true);
    expect(found).toEqual(expect.arrayContaining(['DL3002', 'WS001', 'WS002']));
    expect(
      rules('FROM node:22.1.0\nRUN npm ci --omit=dev\nUSER root\nHEALTHCHECK CMD true\n', true),
    ).toEqual(['DL3002']);
  });

  it('reports syntax errors from the Dockerfile validator', () => {
    expect(
      lintDockerfile('FROM node:22.1.0\nHEALTHCHECK --interval=banana CMD true\n').length,
    ).toBeGreaterThan(0);
  });

  it('flags npm install, ADD of folders and apt without --no-install-recommends', () => {
    expect(rules('FROM a:1\nRUN npm install\nADD src /src\nRUN apt-get install -y curl\n')).toEqual(
      ['DL3016', 'DL3020', 'DL3015'],
    );
  });
});
