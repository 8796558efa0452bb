// The CLI's flags (node:util parseArgs), per command, turned into a ReplayRequest.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ReplayRequest } from './commands.js';
import { UsageError } from './errors.js';
import { parseHeaderFilters } from './filters.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = {
  brokers: { type: 'string' },
  'data-dir': { type: 'string' },
  token: { type: 'string' },
  operator: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};
const FILTERS: Options = {
  key: { type: 'string' },
  type: { type: 'string' },
  header: { type: 'string', multiple: true },
  country: { type: 'string' },
  'include-replays': { type: 'boolean' },
};
const WINDOW: Options = {
  topic: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
};

const COMMANDS: Record<string, { options: Options; usage: string }> = {
  plan: {
    options: { ...WINDOW, ...FILTERS },
    usage:
      'plan --topic T [--from TIME] [--to TIME] [--key K] [--type EventName] [--header k=v]… [--country CC] [--include-replays]',
  },
  rewind: {
    options: {
      group: { type: 'string' },
      topic: { type: 'string', multiple: true },
      'to-datetime': { type: 'string' },
      'by-duration': { type: 'string' },
      'shift-by': { type: 'string' },
      'to-earliest': { type: 'boolean' },
      'stop-service': { type: 'boolean' },
      'service-url': { type: 'string' },
      execute: { type: 'boolean' },
    },
    usage:
      'rewind --group G --topic T (--to-datetime TIME | --by-duration D | --shift-by N | --to-earliest) [--stop-service [--service-url URL]] [--execute]',
  },
  republish: {
    options: {
      ...WINDOW,
      ...FILTERS,
      target: { type: 'string' },
      rate: { type: 'string' },
      speed: { type: 'string' },
      'original-timing': { type: 'boolean' },
      'as-new': { type: 'boolean' },
      execute: { type: 'boolean' },
      resume: { type: 'string' },
    },
    usage:
      'republish --topic T --from TIME [--to TIME] [--target T2] [--rate N | --speed X | --original-timing] [--as-new] [filters] [--execute] [--resume ID]',
  },
  dlq: {
    options: {
      topic: { type: 'string' },
      'event-id': { type: 'string' },
      all: { type: 'boolean' },
      execute: { type: 'boolean' },
      resume: { type: 'string' },
    },
    usage: 'dlq --topic T.dlq [--event-id ID | --all] [--execute] [--resume ID]',
  },
  list: { options: { limit: { type: 'string' } }, usage: 'list [--limit N]' },
  show: { options: {}, usage: 'show ID' },
};

export const USAGE = `Usage: npm run replay -- <command> [options]

Every command is a dry run unless --execute. Times: ISO 8601 (2026-12-02T10:00:00Z) or a
duration ago (10m, 1h30m, 2d). Output is text, or JSON with --json.

${Object.values(COMMANDS)
  .map((c) => `  ${c.usage}`)
  .join('\n')}

Common options:
  --brokers host:port   Kafka brokers (default $KAFKA_BROKERS or localhost:9092)
  --data-dir DIR        where the audit trail lives (default $REPLAY_DATA_DIR or .data/replay)
  --token TOKEN         admin token, recorded as who ran it (default $WEBSTORE_TOKEN or the demo admin token)
  --operator NAME       name recorded in the audit trail (default: the token's persona)
  --json                print JSON`;

export interface CliInvocation {
  command: 'plan' | 'rewind' | 'republish' | 'dlq' | 'list' | 'show' | 'help';
  request?: ReplayRequest;
  id?: string;
  limit?: number;
  json: boolean;
  brokers?: string;
  dataDir?: string;
  token?: string;
  operator?: string;
  help?: string;
}

function number(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n))
    throw new UsageError(`--${flag} must be a number, got "${String(value)}"`, flag);
  return n;
}

/** Parses argv (without node and script); throws UsageError with the command's usage. */
export function parseCli(argv: string[]): CliInvocation {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h')
    return { command: 'help', json: false, help: USAGE };
  const spec = COMMANDS[command];
  if (!spec) throw new UsageError(`unknown command "${command}"\n\n${USAGE}`, 'command');
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...COMMON, ...spec.options },
      allowPositionals: command === 'show',
      strict: true,
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\nUsage: npm run replay -- ${spec.usage}`);
  }
  const v = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const s = (name: string) => v[name] as string | undefined;
  const b = (name: string) => (v[name] === true ? true : undefined);
  const base = {
    json: v.json === true,
    brokers: s('brokers'),
    dataDir: s('data-dir'),
    token: s('token'),
    operator: s('operator'),
  };
  if (v.help) return { ...base, command: 'help', help: `Usage: npm run replay -- ${spec.usage}` };
  if (command === 'list') return { ...base, command, limit: number(v.limit, 'limit') };
  if (command === 'show') {
    const id = parsed.positionals[0];
    if (!id) throw new UsageError('show needs a replay id (see `list`)', 'id');
    return { ...base, command, id };
  }
  const headers = v.header ? parseHeaderFilters(v.header as string[]) : undefined;
  const topics = command === 'rewind' ? (v.topic as string[] | undefined) : undefined;
  const request: ReplayRequest = {
    command: command as ReplayRequest['command'],
    topic: command === 'rewind' ? topics?.[0] : s('topic'),
    ...(topics ? { topics } : {}),
    from: s('from'),
    to: s('to'),
    key: s('key'),
    type: s('type'),
    headers,
    country: s('country'),
    includeReplays: b('include-replays'),
    group: s('group'),
    toDatetime: s('to-datetime'),
    byDuration: s('by-duration'),
    shiftBy: number(v['shift-by'], 'shift-by'),
    toEarliest: b('to-earliest'),
    stopService: b('stop-service'),
    serviceUrl: s('service-url'),
    target: s('target'),
    rate: number(v.rate, 'rate'),
    speed: number(v.speed, 'speed'),
    originalTiming: b('original-timing'),
    asNew: b('as-new'),
    eventId: s('event-id'),
    all: b('all'),
    execute: b('execute'),
    resume: s('resume'),
  };
  for (const k of Object.keys(request) as (keyof ReplayRequest)[])
    if (request[k] === undefined) delete request[k];
  return { ...base, command: command as CliInvocation['command'], request };
}
