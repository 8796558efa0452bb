import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseTime } from './time.js';

describe('parseDuration', () => {
  it.each([
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['500ms', 500],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['1.5h', 5_400_000],
    ['PT10M', 600_000],
    ['P1DT2H', 93_600_000],
  ])('reads %s', (input, ms) => expect(parseDuration(input)).toBe(ms));

  it.each(['', '10', 'ten minutes', '10x', 'm10', 'PT'])('refuses %j', (input) =>
    expect(() => parseDuration(input)).toThrow(/duration/),
  );
});

describe('parseTime', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');
  it('reads ISO 8601 instants with and without zone and fraction', () => {
    expect(parseTime('2026-12-02T10:00:00Z', now)).toBe(Date.parse('2026-12-02T10:00:00Z'));
    expect(parseTime('2026-12-02T10:00:00.250+01:00', now)).toBe(
      Date.parse('2026-12-02T09:00:00.250Z'),
    );
    expect(parseTime('2026-12-02', now)).toBe(Date.parse('2026-12-02T00:00:00Z'));
  });
  it('reads a duration as that long ago, and now as now', () => {
    expect(parseTime('10m', now)).toBe(now - 600_000);
    expect(parseTime('now', now)).toBe(now);
  });
  it('refuses what is neither, naming both forms', () => {
    expect(() => parseTime('yesterday', now)).toThrow(/ISO 8601.*duration/);
    expect(() => parseTime('2026-13-45T99:00:00Z', now)).toThrow(/neither/);
  });
});

describe('formatDuration', () => {
  it('prints short and long durations', () => {
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(125_000)).toBe('2m5s');
  });
});
