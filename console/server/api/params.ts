// Query-string parsing for the API: every bad value is a 400 problem naming its parameter.
import type { Context } from 'koa';
import { parseDuration } from '../config.js';
import { Problem } from './problem.js';

/** A single query parameter (the first, if repeated); undefined when absent or empty. */
export function param(ctx: Context, name: string): string | undefined {
  const raw = ctx.query[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined || value === '' ? undefined : value;
}

/** Epoch milliseconds, an ISO 8601 time, `now`, or a time relative to now (`-15m`). */
export function time(ctx: Context, name: string, now = Date.now()): number | undefined {
  const raw = param(ctx, name);
  if (raw === undefined) return undefined;
  if (raw === 'now') return now;
  if (/^\d+$/.test(raw)) return Number(raw);
  if (raw.startsWith('-')) {
    const ms = parseDuration(raw.slice(1));
    if (ms !== undefined) return now - ms;
  } else {
    const parsed = Date.parse(raw);
    if (!Number.isNaN(parsed)) return parsed;
  }
  throw new Problem(
    'validation',
    `${name} must be epoch milliseconds, an ISO 8601 time, "now" or relative like -15m; got "${raw}"`,
    name,
  );
}

export const msToNs = (ms: number): bigint => BigInt(Math.round(ms)) * 1_000_000n;

export function integer(
  ctx: Context,
  name: string,
  { min, max, fallback }: { min: number; max: number; fallback?: number },
): number | undefined {
  const raw = param(ctx, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max)
    throw new Problem(
      'validation',
      `${name} must be an integer from ${min} to ${max}, got "${raw}"`,
      name,
    );
  return value;
}

export function number(ctx: Context, name: string): number | undefined {
  const raw = param(ctx, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Problem('validation', `${name} must be a non-negative number, got "${raw}"`, name);
  return value;
}

export function boolean(ctx: Context, name: string): boolean | undefined {
  const raw = param(ctx, name);
  if (raw === undefined) return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new Problem('validation', `${name} must be true or false, got "${raw}"`, name);
}

export function oneOf<T extends string>(
  ctx: Context,
  name: string,
  values: readonly T[],
): T | undefined {
  const raw = param(ctx, name);
  if (raw === undefined) return undefined;
  if ((values as readonly string[]).includes(raw)) return raw as T;
  throw new Problem(
    'validation',
    `${name} must be one of ${values.join(', ')}, got "${raw}"`,
    name,
  );
}

/** A hex id of `bytes` bytes (lowercased). */
export function hexId(raw: string, bytes: number, name: string): string {
  const id = raw.toLowerCase();
  if (id.length !== bytes * 2 || !/^[0-9a-f]+$/.test(id) || /^0+$/.test(id))
    throw new Problem(
      'validation',
      `${name} must be ${bytes * 2} hex digits (not all zero), got "${raw}"`,
      name,
    );
  return id;
}

export function optionalHexId(ctx: Context, name: string, bytes: number): string | undefined {
  const raw = param(ctx, name);
  return raw === undefined ? undefined : hexId(raw, bytes, name);
}

/** A `next` cursor from a previous page: `<ns>.<key>`. */
export function cursor(ctx: Context, name = 'before'): { ns: bigint; key: string } | undefined {
  const raw = param(ctx, name);
  if (raw === undefined) return undefined;
  const match = /^(\d+)\.([0-9a-f]+)$/.exec(raw);
  if (!match)
    throw new Problem(
      'validation',
      `${name} must be a "next" value from a previous page, got "${raw}"`,
      name,
    );
  return { ns: BigInt(match[1]!), key: match[2]! };
}

export function duration(ctx: Context, name: string): number | undefined {
  const raw = param(ctx, name);
  if (raw === undefined) return undefined;
  const ms = parseDuration(raw);
  if (ms === undefined)
    throw new Problem(
      'validation',
      `${name} must be a duration like 30s, 5m or milliseconds, got "${raw}"`,
      name,
    );
  return ms;
}
