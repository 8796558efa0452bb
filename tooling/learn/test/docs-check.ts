// Reads docs/learn/ and checks what it quotes: fenced blocks become commands, queries and URLs
// (see docs/learn/README.md, "How this path is checked"), links and anchors must resolve.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { allPrometheusNames } from '@webstore/observability/metrics-catalog';
import { metricNames } from '@webstore/observability/queries';
import { parseOptions } from '@webstore/traffic';
import type { Targets } from '../src/targets.js';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const LEARN = join(ROOT, 'docs/learn');

export interface Block {
  file: string;
  line: number;
  lang: string;
  fullStack: boolean;
  /** `may-be-empty`: the query must answer, but need not return data (e.g. no at-risk customer). */
  mayBeEmpty: boolean;
  body: string;
}

export function guides(): string[] {
  return readdirSync(LEARN)
    .filter((f) => f.endsWith('.md'))
    .sort();
}

export function blocks(file: string): Block[] {
  const out: Block[] = [];
  const lines = readFileSync(join(LEARN, file), 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]!); j++) body.push(lines[j]!.trim());
    out.push({
      file,
      line: i + 1,
      lang: open[1] ?? '',
      fullStack: open[2]?.trim() === 'full-stack',
      mayBeEmpty: open[2]?.trim() === 'may-be-empty',
      body: body.join('\n'),
    });
    i = j;
  }
  return out;
}

/** The commands of a bash block: one a line, split at `;` and `&&` outside quotes. */
export function commands(body: string): string[] {
  const out: string[] = [];
  for (const line of body.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    let current = '';
    let quote = '';
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === "'" || c === '"') quote = c;
      else if (c === ';' || (c === '&' && line[i + 1] === '&')) {
        if (c === '&') i++;
        out.push(current.trim());
        current = '';
        continue;
      }
      current += c;
    }
    if (current.trim()) out.push(current.trim());
  }
  return out;
}

/** GitHub's heading anchors. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

export function anchorsOf(path: string): Set<string> {
  const text = readFileSync(path, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1]!.replace(/`/g, ''))));
}

/** Links that do not resolve, as "file: target". Documents still to land are named in `pending`. */
export function brokenLinks(pending: string[]): string[] {
  const broken: string[] = [];
  for (const file of guides()) {
    const text = readFileSync(join(LEARN, file), 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^https?:/.test(target)) continue;
      const [path, anchor] = target.split('#');
      const full = path ? resolve(LEARN, path) : join(LEARN, file);
      if (pending.some((p) => full === resolve(ROOT, p))) continue;
      if (!existsSync(full)) broken.push(`${file}: ${target} (no such file)`);
      else if (anchor && full.endsWith('.md') && !anchorsOf(full).has(anchor))
        broken.push(`${file}: ${target} (no such heading)`);
    }
  }
  return broken;
}

const LOCAL_PORTS: Record<number, keyof Targets | 'storefront' | 'alertmanager'> = {
  8000: 'gateway',
  3002: 'console',
  8101: 'inventory',
  8102: 'payment',
  8103: 'analytics',
  9090: 'prometheus',
  9093: 'alertmanager',
  3001: 'storefront',
  4317: 'otlpEndpoint',
};

export type Urls = Targets & { storefront?: string; alertmanager?: string };

/** `localhost:8000` → the test stack's gateway, and so on. */
export function rewritePorts(command: string, urls: Urls): string {
  return command.replace(
    /(https?:\/\/)?localhost:(\d+)/g,
    (whole, scheme: string, port: string) => {
      const key = LOCAL_PORTS[Number(port)];
      const url = key ? urls[key] : undefined;
      if (!url) throw new Error(`no local service on port ${port}`);
      return scheme ? url : url.replace(/^https?:\/\//, '');
    },
  );
}

export function sh(
  command: string,
  timeoutMs = 20_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('bash', ['-c', command], { cwd: ROOT, timeout: timeoutMs }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Whether a JSON answer of the console, gateway or Prometheus API carries data. */
export function hasData(body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false;
  const b = body as Record<string, unknown>;
  const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;
  if ('series' in b)
    return (b.series as { points: [number, number | null][] }[]).some((s) =>
      s.points.some(([, v]) => v !== null),
    );
  for (const key of ['traces', 'logs', 'metrics', 'services', 'resourceSpans'])
    if (key in b) return nonEmpty(b[key]);
  if ('data' in b) {
    const data = b.data as Record<string, unknown>;
    if ('result' in data) return nonEmpty(data.result);
    if ('alerts' in data) return Array.isArray(data.alerts);
  }
  return Object.keys(b).length > 0;
}

const ROOT_PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  workspaces: string[];
};

function workspaceScripts(name: string): Record<string, string> | undefined {
  for (const pattern of ROOT_PACKAGE.workspaces) {
    const base = join(ROOT, dirname(pattern));
    const dirs = pattern.endsWith('/*')
      ? readdirSync(base).map((d) => join(base, d))
      : [join(ROOT, pattern)];
    for (const dir of dirs) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as {
        name: string;
        scripts?: Record<string, string>;
      };
      if (pkg.name === name) return pkg.scripts ?? {};
    }
  }
  return undefined;
}

/** The `--help` text of the CLI behind a root script, if it runs one. */
async function helpOf(script: string): Promise<string | undefined> {
  const cli =
    script === 'start'
      ? 'tooling/stack/dist/cli.js'
      : /node (?:--import \S+ )?(\S+\.js)/.exec(ROOT_PACKAGE.scripts[script] ?? '')?.[1];
  if (!cli) return undefined;
  const { stdout, stderr } = await sh(`node ${cli} --help`);
  return stdout + stderr;
}

/** Checks an npm command: the script exists, and so does every flag (and traffic's values). */
export async function checkNpm(command: string): Promise<void> {
  const [head, ...rest] = command.split(' -- ');
  const args = rest.join(' -- ').split(/\s+/).filter(Boolean);
  const words = head!.trim().split(/\s+/);
  const workspace = words.includes('-w') ? words[words.indexOf('-w') + 1] : undefined;
  let script: string | undefined;
  if (words[1] === 'run') script = words[2];
  else if (words[1] === 'start' || words[1] === 'test') script = words[1];
  else if (['install', 'ci'].includes(words[1] ?? '')) return;
  if (!script) throw new Error(`not an npm command this check knows: ${command}`);
  if (workspace) {
    const scripts = workspaceScripts(workspace);
    if (!scripts) throw new Error(`no workspace ${workspace}`);
    if (!scripts[script]) throw new Error(`${workspace} has no script "${script}"`);
    return;
  }
  if (!ROOT_PACKAGE.scripts[script]) throw new Error(`no root script "${script}"`);
  if (args.length === 0) return;
  const help = await helpOf(script);
  if (!help) throw new Error(`"${script}" takes no arguments, got ${args.join(' ')}`);
  for (const arg of args) {
    if (arg.startsWith('-')) {
      if (!help.includes(arg)) throw new Error(`${arg} is not in \`npm run ${script} -- --help\``);
    } else if (script === 'exercise' && arg !== 'all' && !new RegExp(`^  ${arg}  `, 'm').test(help))
      throw new Error(`exercise ${arg} is not in \`npm run exercise -- --help\``);
  }
  if (script === 'traffic') parseOptions(args);
}

const COMPOSE = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { ports?: string[] }>;
};

/** A full-stack command: Compose services it names exist, ports it uses are published. */
export async function checkFullStack(command: string): Promise<void> {
  if (command.startsWith('npm ')) return checkNpm(command);
  if (command.startsWith('docker compose ')) {
    const words = command
      .split(/\s+/)
      .slice(2)
      .filter((w) => !w.startsWith('-') && !/^\d+$/.test(w));
    const [, ...services] = words;
    for (const s of services)
      if (!COMPOSE.services[s]) throw new Error(`no Compose service "${s}"`);
    return;
  }
  const published = new Set(
    Object.values(COMPOSE.services).flatMap((s) =>
      (s.ports ?? []).map((p) => Number(String(p).split(':').at(-2))),
    ),
  );
  for (const m of command.matchAll(/localhost:(\d+)/g))
    if (!published.has(Number(m[1]))) throw new Error(`port ${m[1]} is not published by Compose`);
  if (!command.startsWith('curl '))
    throw new Error(`not a full-stack command this check knows: ${command}`);
}

/** Collector-generated series (span metrics, service graph) and exercise 6's new counter. */
export function knownFullStackName(name: string): boolean {
  return (
    allPrometheusNames().includes(name) ||
    /^traces_(span_metrics|service_graph)_/.test(name) ||
    name === 'webstore_product_views_total'
  );
}

export const NOT_RUN = ['kill', 'lsof', 'grep', 'tail', 'kcat', 'sudo'];

export { metricNames };
