// What the collector's tail-sampling policies keep, evaluated with a model of the pinned
// processor (./tail-sampling.ts) over many trace ids.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  decide,
  evaluate,
  hashTraceId,
  threshold,
  type ModelSpan,
  type ModelTrace,
  type Policy,
} from './tail-sampling.js';

const collector = parse(
  readFileSync(fileURLToPath(new URL('../../config/otel-collector.yaml', import.meta.url)), 'utf8'),
);
const policies = collector.processors.tail_sampling.policies as Policy[];

/** Deterministic, uniformly spread trace ids. */
const traceId = (n: number) =>
  new Uint8Array(createHash('sha256').update(`trace-${n}`).digest().subarray(0, 16));

const span = (attributes: ModelSpan['attributes'], extra: Partial<ModelSpan> = {}): ModelSpan => ({
  attributes,
  startMs: 0,
  endMs: 20,
  ...extra,
});

const N = 40_000;
function keptShare(spans: ModelSpan[], set: Policy[] = policies): number {
  let kept = 0;
  for (let n = 0; n < N; n++) if (decide(set, { id: traceId(n), spans }).kept) kept++;
  return kept / N;
}

const browsing = { 'customer.country': 'US' };
const synthetic = { 'webstore.synthetic': true };

describe('tail-sampling model', () => {
  it('hashes like Go hash/fnv New64a and scales the threshold to MaxUint64', () => {
    expect(hashTraceId('', new Uint8Array())).toBe(0xcbf29ce484222325n);
    expect(hashTraceId('a', new Uint8Array())).toBe(0xaf63dc4c8601ec8cn);
    expect(threshold(1)).toBe((1n << 64n) - 1n);
    expect(threshold(0)).toBe(0n);
  });

  it('models every policy type the collector uses', () => {
    const trace: ModelTrace = { id: traceId(0), spans: [span({})] };
    for (const p of policies) expect(() => evaluate(p, trace), p.name).not.toThrow();
  });
});

describe('tail sampling keeps', () => {
  it('2 % of ordinary synthetic traces, none of them through the 10 % baseline', () => {
    expect(keptShare([span({ ...browsing, ...synthetic })])).toBeCloseTo(0.02, 2);
    const baseline = policies.filter((p) => p.name === 'baseline');
    expect(keptShare([span({ ...browsing, ...synthetic })], baseline)).toBe(0);
  });

  it('10 % of the rest', () => {
    expect(keptShare([span(browsing)])).toBeCloseTo(0.1, 2);
    expect(keptShare([span({ ...browsing, 'webstore.synthetic': false })])).toBeCloseTo(0.1, 2);
  });

  it('draws the synthetic and baseline shares independently (each policy its own hash_salt)', () => {
    const rate = (name: string) => {
      const and = policies.find((p) => p.name === name)!.and as { and_sub_policy: Policy[] };
      return and.and_sub_policy.find((p) => p.type === 'probabilistic')!;
    };
    const salts = policies
      .flatMap((p) =>
        p.type === 'and' ? (p.and as { and_sub_policy: Policy[] }).and_sub_policy : [p],
      )
      .filter((p) => p.type === 'probabilistic')
      .map((p) => (p.probabilistic as { hash_salt?: string }).hash_salt);
    expect(new Set(salts).size, 'one distinct hash_salt per probabilistic policy').toBe(
      salts.length,
    );
    expect(salts.every(Boolean)).toBe(true);
    let inSynthetic = 0;
    let inBoth = 0;
    for (let n = 0; n < N; n++) {
      const trace = { id: traceId(n), spans: [span({})] };
      if (evaluate(rate('synthetic-sample'), trace) !== 'Sampled') continue;
      inSynthetic++;
      if (evaluate(rate('baseline'), trace) === 'Sampled') inBoth++;
    }
    // With one salt the 2 % set lies inside the 10 % set (inBoth / inSynthetic = 1).
    expect(inBoth / inSynthetic).toBeGreaterThan(0.05);
    expect(inBoth / inSynthetic).toBeLessThan(0.15);
  });

  it.each([
    ['an error', [span({ ...synthetic }, { status: 'ERROR' })]],
    ['a trace over 1 s', [span(synthetic, { endMs: 1500 })]],
    ['an order of $1,000 or more', [span({ ...synthetic, 'order.total_cents': 150_000 })]],
    ['a VIP checkout', [span({ ...synthetic, 'customer.segment': 'vip' })]],
    ['a declined payment', [span({ ...synthetic, 'payment.outcome': 'declined' })]],
    [
      'an order from Brazil',
      [span({ ...synthetic, 'customer.country': 'BR', 'order.total_cents': 5900 })],
    ],
    ['a replay', [span({ 'webstore.replay': true })]],
  ])('every synthetic trace with %s', (_, spans) => {
    expect(keptShare(spans)).toBe(1);
  });

  it('browsing from a high-risk country only at the ordinary share', () => {
    expect(keptShare([span({ ...synthetic, 'customer.country': 'BR' })])).toBeCloseTo(0.02, 2);
  });

  it('a small share of generated traffic: about 4 % in a steady run', () => {
    // A steady 60 s run with the default 5 shoppers made 2,601 requests (one trace each), 53 of
    // them checkouts; once the personas are VIP every checkout is kept.
    const orders = 53 / 2601;
    const share =
      orders *
        keptShare([span({ ...synthetic, 'customer.segment': 'vip', 'order.total_cents': 5900 })]) +
      (1 - orders) * keptShare([span({ ...browsing, ...synthetic })]);
    expect(share).toBeGreaterThan(0.03);
    expect(share).toBeLessThan(0.05);
  });
});
