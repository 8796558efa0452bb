// Command-line flags, validated with messages that name the flag.
import { parseArgs } from 'node:util';
import { COUNTRY_CODES, type CountryCode } from '@webstore/schemas';
import { onlyCountry, scenarios, type Scenario } from './scenarios.js';

export interface CliOptions {
  url: string;
  users: number;
  durationSeconds: number;
  scenario: Scenario;
  seed: number;
  rate?: number;
  json: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: npm run traffic -- [--users 5] [--duration 60] [--scenario NAME] [--country CC]
                           [--seed 42] [--rate N] [--url http://localhost:8000] [--json]

Simulated shoppers walk the funnel through the gateway's public API (browse, view, add to cart,
check out) as the demo personas, across countries. All traffic is marked synthetic.

  --users N       concurrent shoppers (default 5)
  --duration S    seconds to run (default 60)
  --scenario NAME ${Object.values(scenarios)
    .map((s) => s.name)
    .join(' | ')} (default steady)
  --country CC    only shoppers from this country (${COUNTRY_CODES.join(', ')})
  --seed N        same seed, same sequence of shopper decisions (default 42)
  --rate N        at most N new shoppers per second (default: as fast as the users go)
  --url URL       the gateway (default http://localhost:8000)
  --json          print the summary as JSON only

Scenarios that slow a consumer switch the fault through the gateway's admin route with the
operator's ADMIN_TOKEN (default: the demo admin token).

Scenarios:
${Object.values(scenarios)
  .map((s) => `  ${s.name.padEnd(14)} ${s.description}`)
  .join('\n')}`;

function integer(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

export function parseOptions(argv: string[]): CliOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        users: { type: 'string', default: '5' },
        duration: { type: 'string', default: '60' },
        scenario: { type: 'string', default: 'steady' },
        country: { type: 'string' },
        seed: { type: 'string', default: '42' },
        rate: { type: 'string' },
        url: { type: 'string', default: 'http://localhost:8000' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  let scenario = scenarios[values.scenario];
  if (!scenario)
    throw new UsageError(
      `--scenario must be one of ${Object.keys(scenarios).join(', ')}, got "${values.scenario}"`,
    );
  if (values.country !== undefined) {
    if (!(COUNTRY_CODES as readonly string[]).includes(values.country))
      throw new UsageError(
        `--country must be one of ${COUNTRY_CODES.join(', ')}, got "${values.country}"`,
      );
    scenario = onlyCountry(scenario, values.country as CountryCode);
  }
  try {
    if (!/^https?:$/.test(new URL(values.url).protocol)) throw new Error();
  } catch {
    throw new UsageError(`--url must be an http(s) URL, got "${values.url}"`);
  }
  return {
    url: values.url.replace(/\/$/, ''),
    users: integer('users', values.users, 1, 500),
    durationSeconds: integer('duration', values.duration, 1, 86_400),
    scenario,
    seed: integer('seed', values.seed, 0, 2 ** 31 - 1),
    ...(values.rate === undefined ? {} : { rate: integer('rate', values.rate, 1, 100_000) }),
    json: values.json,
  };
}
