// Times as the CLI and the API accept them: ISO 8601 instants, or durations (`10m`, `1h30m`,
// `2d`, `500ms`) meaning that long before now; `now` is now.

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/;

/** Parses `10m`, `1h30m`, `90s`, `500ms` (also ISO 8601 `PT10M`) into milliseconds; throws on anything else. */
export function parseDuration(input: string): number {
  const text = input.trim();
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text);
  if (iso && text.length > 1 && !/T$/i.test(text)) {
    const [, d, h, m, s] = iso;
    return (
      Number(d ?? 0) * UNIT_MS.d! +
      Number(h ?? 0) * UNIT_MS.h! +
      Number(m ?? 0) * UNIT_MS.m! +
      Math.round(Number(s ?? 0) * 1000)
    );
  }
  let rest = text.toLowerCase();
  let total = 0;
  if (rest === '') throw new Error('empty duration');
  while (rest.length > 0) {
    const match = DURATION.exec(rest);
    if (!match) throw new Error(`"${input}" is not a duration (use e.g. 10m, 1h30m, 90s, 2d)`);
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    rest = rest.slice(match[0].length);
  }
  return Math.round(total);
}

/** True when `input` reads as a duration rather than an instant. */
export function isDuration(input: string): boolean {
  try {
    parseDuration(input);
    return true;
  } catch {
    return false;
  }
}

const ISO_INSTANT =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Parses a point in time: an ISO 8601 instant (`2026-12-02T10:00:00Z`), `now`, or a duration
 * meaning that long ago (`10m` → ten minutes before `nowMs`). Returns epoch milliseconds.
 */
export function parseTime(input: string, nowMs = Date.now()): number {
  const text = input.trim();
  if (text.toLowerCase() === 'now') return nowMs;
  if (ISO_INSTANT.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) return ms;
  }
  if (isDuration(text)) return nowMs - parseDuration(text);
  throw new Error(
    `"${input}" is neither an ISO 8601 time (2026-12-02T10:00:00Z) nor a duration ago (10m, 1h)`,
  );
}

/** `1234` ms → `1.2s`, for humans. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
  return `${Math.floor(ms / 3_600_000)}h${Math.round((ms % 3_600_000) / 60_000)}m`;
}
