// Dockerfile lint: the syntax checks of dockerfile-utils (the validator behind VS Code's Docker
// support) plus the hadolint rules that matter for our images, implemented here because hadolint
// itself is not installable on our machines.
import { validate } from 'dockerfile-utils';

export interface LintFinding {
  rule: string;
  line: number;
  message: string;
}

export interface LintOptions {
  /** The image runs a service: require a HEALTHCHECK, a non-root USER and production-only deps. */
  service?: boolean;
}

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** Joins continuation lines and drops comments, keeping the line number an instruction starts on. */
export function instructions(content: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: Instruction | undefined;
  content.split('\n').forEach((raw, index) => {
    const text = raw.trim();
    if (!pending && (text === '' || text.startsWith('#'))) return;
    if (pending) {
      if (text.startsWith('#')) return;
      pending.args += ` ${text.replace(/\\$/, '').trim()}`;
    } else {
      const [keyword = '', ...rest] = text.split(/\s+/);
      pending = {
        keyword: keyword.toUpperCase(),
        args: rest.join(' ').replace(/\\$/, '').trim(),
        line: index + 1,
      };
    }
    if (!text.endsWith('\\')) {
      out.push(pending);
      pending = undefined;
    }
  });
  if (pending) out.push(pending);
  return out;
}

/** Resolves `${NAME}` / `$NAME` from ARG defaults declared before the instruction. */
function expand(value: string, args: Map<string, string>): string {
  return value.replace(
    /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g,
    (whole, name: string) => args.get(name) ?? whole,
  );
}

function imageIsPinned(image: string): boolean {
  if (image.includes('@sha256:')) return true;
  const tag = image.split('/').at(-1)?.split(':')[1];
  return tag !== undefined && tag !== 'latest' && !tag.includes('$');
}

/** Lints one Dockerfile; an empty array means it is clean. */
export function lintDockerfile(content: string, options: LintOptions = {}): LintFinding[] {
  const findings: LintFinding[] = validate(content).map((d) => ({
    rule: `syntax-${String(d.code ?? 'error')}`,
    line: d.range.start.line + 1,
    message: typeof d.message === 'string' ? d.message : d.message.value,
  }));
  const all = instructions(content);
  const args = new Map<string, string>();
  const stages = new Set<string>();
  let finalStage: Instruction[] = [];

  for (const ins of all) {
    if (ins.keyword === 'ARG') {
      const [name, value] = ins.args.split('=');
      if (name && value !== undefined) args.set(name, value.replace(/^["']|["']$/g, ''));
      finalStage.push(ins);
      continue;
    }
    if (ins.keyword === 'FROM') {
      const [imageRef = '', as, stage] = ins.args.replace(/--platform=\S+\s*/, '').split(/\s+/);
      const image = expand(imageRef, args);
      const fromStage = stages.has(image);
      const fromArgWithoutDefault = image.includes('$');
      if (!fromStage && !fromArgWithoutDefault && !imageIsPinned(image)) {
        findings.push({
          rule: 'DL3006',
          line: ins.line,
          message: `base image "${image}" is not pinned to a version tag`,
        });
      }
      if (as?.toUpperCase() === 'AS' && stage) stages.add(stage);
      finalStage = [];
      continue;
    }
    if (ins.keyword === 'MAINTAINER') {
      findings.push({
        rule: 'DL4000',
        line: ins.line,
        message: 'MAINTAINER is deprecated; use a LABEL',
      });
    }
    if (
      ins.keyword === 'RUN' &&
      /\bapt-get install\b/.test(ins.args) &&
      !/--no-install-recommends/.test(ins.args)
    ) {
      findings.push({
        rule: 'DL3015',
        line: ins.line,
        message: 'apt-get install without --no-install-recommends',
      });
    }
    if (ins.keyword === 'RUN' && /\bnpm install\b/.test(ins.args)) {
      findings.push({
        rule: 'DL3016',
        line: ins.line,
        message: 'use `npm ci` so the lockfile decides versions',
      });
    }
    if (ins.keyword === 'ADD' && !/^--/.test(ins.args) && !/\.(tar|tgz|tar\.gz)\b/.test(ins.args)) {
      findings.push({
        rule: 'DL3020',
        line: ins.line,
        message: 'use COPY instead of ADD for files and folders',
      });
    }
    finalStage.push(ins);
  }

  if (options.service) {
    const users = finalStage.filter((i) => i.keyword === 'USER');
    const lastUser = users.at(-1);
    if (!lastUser || /^(root|0)(:|$)/.test(lastUser.args)) {
      findings.push({
        rule: 'DL3002',
        line: lastUser?.line ?? all.at(-1)?.line ?? 1,
        message: 'the final stage must run as a non-root USER',
      });
    }
    if (!finalStage.some((i) => i.keyword === 'HEALTHCHECK')) {
      findings.push({
        rule: 'WS001',
        line: all.at(-1)?.line ?? 1,
        message: 'a service image needs a HEALTHCHECK',
      });
    }
    if (!all.some((i) => i.keyword === 'RUN' && /--omit=dev|--production/.test(i.args))) {
      findings.push({
        rule: 'WS002',
        line: 1,
        message: 'production dependencies only: prune or install with --omit=dev',
      });
    }
  }
  return findings.sort((a, b) => a.line - b.line);
}
