// Values in the collector config whose meaning the structural checks cannot see: the redaction
// patterns and the service graph's pairing window.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const file = (path: string) =>
  readFileSync(fileURLToPath(new URL(`../../../${path}`, import.meta.url)), 'utf8');
const collector = parse(file('observability/config/otel-collector.yaml'));

/** Go duration strings as the config uses them (`2m`, `30s`, `500ms`) in seconds. */
function seconds(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(n) * { ms: 0.001, s: 1, m: 60, h: 3600 }[unit as 'ms' | 's' | 'm' | 'h'];
  return total;
}

describe('redaction', () => {
  // The redaction processor compiles each pattern with Go's regexp (RE2) and replaces every match
  // (ReplaceAllString). The patterns keep to syntax RE2 and JavaScript read the same way: no
  // lookaround or backreferences (RE2 has neither), \d and \b meaning ASCII in both, ^ and $
  // anchoring the whole value (no multi-line flag in either), leftmost-first alternation.
  // So String.replace with the global flag finds what the collector masks.
  const patterns: string[] = collector.processors.redaction.blocked_values;
  const mask = (value: string) =>
    patterns.reduce((v, p) => v.replace(new RegExp(p, 'g'), '****'), value);

  it('uses only syntax that means the same in RE2 and JavaScript', () => {
    for (const p of patterns) {
      expect(p, 'lookaround').not.toMatch(/\(\?[=!<]/);
      expect(p, 'backreference').not.toMatch(/\\[1-9]/);
      expect(p, 'Unicode classes').not.toMatch(/\\[pP]\{/);
      expect(() => new RegExp(p), p).not.toThrow();
    }
  });

  it.each([
    '4111 1111 1111 1111',
    '4111-1111-1111-1111',
    '4111111111111111',
    '378282246310005',
    '3782 822463 10005',
    '6011 0009 9013 9424 123',
    'card 4111111111111111 declined',
    'ana@example.com',
    'user-token-123',
  ])('masks %s', (secret) => {
    expect(mask(secret)).not.toContain(secret.replace(/^card | declined$/g, ''));
    expect(mask(secret)).toContain('****');
  });

  it.each([
    'ord-4111111111111111',
    'ord-1234567890123456789012',
    'cust_4111111111111111',
    '12345678-1234-1234-1234-123456789012',
    '0af7651916cd43dd8448eb211c80319c',
    '/api/orders/4111111111111111',
    'webstore.orders.v1:4111111111111111',
    '1732550400000',
    'traffic-1732550400000-17',
  ])('leaves the id %s alone', (id) => {
    expect(mask(id)).toBe(id);
  });
});

describe('service graph', () => {
  it('keeps an unpaired edge longer than a hop can take under the slow-consumer fault', () => {
    const ttl = seconds(collector.connectors.servicegraph.store.ttl);
    const decisionWait = seconds(collector.processors.tail_sampling.decision_wait);
    // The traffic generator holds the slow-consumer fault for the whole run; its default length:
    const options = file('producers/traffic/src/options.ts');
    const run = Number(/duration: \{ type: 'string', default: '(\d+)' \}/.exec(options)?.[1]);
    expect(run, 'the default --duration of the traffic generator').toBeGreaterThan(0);
    expect(file('producers/traffic/src/scenarios.ts')).toMatch(
      /slowConsumer: \{ service: 'payment'/,
    );
    // Each span can also wait up to 5 s (OTEL_BSP_SCHEDULE_DELAY's default) in its service.
    const exportDelays = 2 * 5;
    expect(ttl).toBeGreaterThan(run + exportDelays);
    expect(ttl).toBeGreaterThan(decisionWait + exportDelays);
  });
});
