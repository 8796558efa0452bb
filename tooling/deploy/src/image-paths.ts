// What a Dockerfile's final stage leaves on disk, as far as named volumes care: which directories
// exist and who owns them, and which user the container runs as. Docker seeds a new named volume
// with the ownership of the image's directory at the mount point only when that directory exists;
// otherwise the volume root is root:root 0755 and a non-root service cannot write to it.
import { posix } from 'node:path';
import { instructions } from './dockerfile-lint.js';

export interface ImagePaths {
  /** The USER of the final stage (user part only), `root` when none is set. */
  user: string;
  /** Directories known to exist, with their owner (user part of the chown). */
  paths: Map<string, string>;
  /** Names that `adduser -u` / `useradd -u` bound to numeric ids. */
  uids: Map<string, string>;
}

const userPart = (owner: string) => owner.split(':')[0] ?? owner;

function expand(value: string, vars: Map<string, string>): string {
  return value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, a?: string, b?: string) => vars.get((a ?? b)!) ?? whole,
  );
}

/** Shell words of a RUN (exec form or shell form), split into simple commands. */
function commands(args: string): string[][] {
  const trimmed = args.trim();
  if (trimmed.startsWith('[')) {
    try {
      return [JSON.parse(trimmed) as string[]];
    } catch {
      // not valid JSON: Docker runs it through the shell
    }
  }
  return trimmed
    .split(/&&|\|\||;/)
    .map((c) => c.trim().split(/\s+/).filter(Boolean))
    .map((words) => words.map((w) => w.replace(/^["']|["']$/g, '')))
    .filter((words) => words.length > 0);
}

const FLAGS_WITH_VALUES = new Set([
  '-m',
  '--mode',
  '-u',
  '-g',
  '-G',
  '-h',
  '-s',
  '--shell',
  '--uid',
]);

/** Positional arguments and the values of flags, for the few commands this reads. */
function parseWords(words: string[]): { flags: Map<string, string | true>; rest: string[] } {
  const flags = new Map<string, string | true>();
  const rest: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.startsWith('--') && w.includes('=')) {
      const [k, v] = w.split('=');
      flags.set(k!, v ?? '');
    } else if (FLAGS_WITH_VALUES.has(w)) flags.set(w, words[++i] ?? '');
    else if (/^-[A-Za-z]+$/.test(w)) for (const c of w.slice(1)) flags.set(`-${c}`, true);
    else rest.push(w);
  }
  return { flags, rest };
}

/** Reads the final stage of a Dockerfile: directories it creates, their owners, and its USER. */
export function imagePaths(content: string): ImagePaths {
  const all = instructions(content);
  const vars = new Map<string, string>();
  let stage: typeof all = [];
  for (const ins of all) {
    if (ins.keyword === 'FROM') stage = [];
    else stage.push(ins);
    if (ins.keyword === 'ARG' && stage.length === 0) {
      const [name, value] = ins.args.split('=');
      if (name && value !== undefined) vars.set(name, value.replace(/^["']|["']$/g, ''));
    }
  }
  const paths = new Map<string, string>([['/', 'root']]);
  const uids = new Map<string, string>();
  let user = 'root';
  let workdir = '/';
  const resolve = (p: string) => posix.resolve(workdir, expand(p, vars));
  const create = (p: string, owner: string, parents: boolean) => {
    if (parents)
      for (let d = posix.dirname(p); !paths.has(d); d = posix.dirname(d)) paths.set(d, 'root');
    if (!paths.has(p)) paths.set(p, owner);
  };
  const chown = (p: string, owner: string, recursive: boolean) => {
    for (const known of paths.keys())
      if (known === p || (recursive && known.startsWith(`${p}/`))) paths.set(known, owner);
  };

  for (const ins of stage) {
    const args = ins.args;
    if (ins.keyword === 'ARG' || ins.keyword === 'ENV') {
      for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S+)/g))
        vars.set(m[1]!, expand(m[2]!.replace(/^["']|["']$/g, ''), vars));
    } else if (ins.keyword === 'WORKDIR') {
      workdir = resolve(args);
      create(workdir, 'root', true);
    } else if (ins.keyword === 'USER') {
      user = userPart(expand(args.trim(), vars));
    } else if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
      const words = args.split(/\s+/).filter(Boolean);
      const owner = words.find((w) => w.startsWith('--chown='))?.slice('--chown='.length);
      const dest = words.filter((w) => !w.startsWith('--')).at(-1);
      if (dest) {
        const path = resolve(dest);
        create(path, owner ? userPart(owner) : 'root', true);
        if (owner) chown(path, userPart(owner), false);
      }
    } else if (ins.keyword === 'RUN') {
      for (const [command = '', ...rest] of commands(args)) {
        const name = posix.basename(command);
        const { flags, rest: positional } = parseWords(rest);
        if (name === 'mkdir') {
          for (const p of positional) create(resolve(p), user, flags.has('-p'));
        } else if (name === 'chown') {
          const [owner, ...targets] = positional;
          for (const p of targets)
            chown(resolve(p), userPart(expand(owner ?? '', vars)), flags.has('-R'));
        } else if (name === 'adduser' || name === 'useradd') {
          const uid = flags.get('-u') ?? flags.get('--uid');
          const login = name === 'adduser' ? positional[0] : positional.at(-1);
          if (login && typeof uid === 'string') uids.set(login, expand(uid, vars));
        }
      }
    }
  }
  return { user, paths, uids };
}

/** True when `owner` is the image's user, by name or by the uid an adduser gave that name. */
export function ownedByUser(image: Pick<ImagePaths, 'user' | 'uids'>, owner: string): boolean {
  const id = (name: string) => image.uids.get(name) ?? name;
  return owner === image.user || id(owner) === id(image.user);
}
