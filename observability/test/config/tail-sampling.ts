// The collector's tail-sampling decision, modelled on processor/tailsamplingprocessor of
// opentelemetry-collector-contrib 0.140.1 so the config tests can ask what our policies keep.
// Read from the vendored source of contrib v0.141.0 and v0.131.0 (aws-observability/
// aws-otel-collector, vendor/…/tailsamplingprocessor at commits e96800c0c and bb2938a5c): the
// decision logic and every evaluator modelled here are the same in both, so in 0.140.1 too.
//  - processor.go makeDecision: Dropped wins; then any InvertNotSampled → not sampled; then any
//    Sampled → sampled; InvertSampled only when no policy said NotSampled.
//  - and.go: Sampled unless a sub-policy says NotSampled or InvertNotSampled.
//  - probabilistic.go: FNV-1a 64 over hash_salt (default "default-hash-seed") then the 16 trace-id
//    bytes, sampled when the hash <= MaxUint64 × sampling_percentage / 100.
//  - util.go: attribute policies look at every span; invert_match gives InvertNotSampled as soon
//    as one span matches, InvertSampled when none does.
// Only the policy types our config uses are modelled; any other type throws.

export type Decision = 'Sampled' | 'NotSampled' | 'InvertSampled' | 'InvertNotSampled' | 'Dropped';

export interface ModelSpan {
  attributes: Record<string, string | number | boolean>;
  status?: 'ERROR' | 'OK' | 'UNSET';
  startMs: number;
  endMs: number;
}

export interface ModelTrace {
  /** 16 bytes. */
  id: Uint8Array;
  spans: ModelSpan[];
}

export interface Policy {
  name?: string;
  type: string;
  [config: string]: unknown;
}

const MAX_UINT64 = (1n << 64n) - 1n;
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;

/** FNV-1a, 64 bit, over the salt's UTF-8 bytes followed by the trace id (hash/fnv New64a). */
export function hashTraceId(salt: string, id: Uint8Array): bigint {
  let hash = FNV_OFFSET;
  for (const byte of [...new TextEncoder().encode(salt), ...id]) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MAX_UINT64;
  }
  return hash;
}

/**
 * MaxUint64 × ratio, truncated. Upstream multiplies big.Floats of 64-bit precision, which can
 * round the product's last bits differently; that moves the threshold by less than 2^-52 of its
 * value, which no sampled share here can notice.
 */
export function threshold(ratio: number): bigint {
  const scale = 1n << 60n;
  return (MAX_UINT64 * BigInt(Math.round(ratio * Number(scale)))) / scale;
}

type Condition = (span: ModelSpan) => boolean;

function anySpan(trace: ModelTrace, matches: Condition): Decision {
  return trace.spans.some(matches) ? 'Sampled' : 'NotSampled';
}

function anySpanInverted(trace: ModelTrace, matches: Condition): Decision {
  return trace.spans.some(matches) ? 'InvertNotSampled' : 'InvertSampled';
}

function attributeFilter(trace: ModelTrace, invert: unknown, matches: Condition): Decision {
  return invert === true ? anySpanInverted(trace, matches) : anySpan(trace, matches);
}

/** One policy's decision for a trace. */
export function evaluate(policy: Policy, trace: ModelTrace): Decision {
  const cfg = (policy[policy.type] ?? {}) as Record<string, unknown>;
  switch (policy.type) {
    case 'status_code':
      return anySpan(trace, (s) => (cfg.status_codes as string[]).includes(s.status ?? 'UNSET'));
    case 'latency': {
      const start = Math.min(...trace.spans.map((s) => s.startMs));
      const end = Math.max(...trace.spans.map((s) => s.endMs));
      return end - start >= (cfg.threshold_ms as number) ? 'Sampled' : 'NotSampled';
    }
    case 'numeric_attribute':
      return attributeFilter(trace, cfg.invert_match, (s) => {
        const v = s.attributes[cfg.key as string];
        return (
          typeof v === 'number' &&
          v >= ((cfg.min_value as number | undefined) ?? -Infinity) &&
          v <= ((cfg.max_value as number | undefined) ?? Infinity)
        );
      });
    case 'string_attribute':
      if (cfg.enabled_regex_matching) throw new Error('regex string_attribute is not modelled');
      return attributeFilter(trace, cfg.invert_match, (s) =>
        (cfg.values as string[]).includes(String(s.attributes[cfg.key as string] ?? '\u0000')),
      );
    case 'boolean_attribute':
      return attributeFilter(
        trace,
        cfg.invert_match,
        (s) => s.attributes[cfg.key as string] === cfg.value,
      );
    case 'probabilistic': {
      const salt = (cfg.hash_salt as string | undefined) || 'default-hash-seed';
      const ratio = ((cfg.sampling_percentage as number | undefined) ?? 0) / 100;
      return hashTraceId(salt, trace.id) <= threshold(ratio) ? 'Sampled' : 'NotSampled';
    }
    case 'and': {
      for (const sub of cfg.and_sub_policy as Policy[]) {
        const d = evaluate(sub, trace);
        if (d === 'NotSampled' || d === 'InvertNotSampled') return 'NotSampled';
      }
      return 'Sampled';
    }
    default:
      throw new Error(`policy type ${policy.type} is not modelled`);
  }
}

/** The processor's final decision over all policies, and the policies that sampled. */
export function decide(policies: Policy[], trace: ModelTrace): { kept: boolean; by: string[] } {
  const decisions = policies.map((p) => [p.name ?? p.type, evaluate(p, trace)] as const);
  const has = (d: Decision) => decisions.some(([, x]) => x === d);
  const kept =
    !has('Dropped') &&
    !has('InvertNotSampled') &&
    (has('Sampled') || (has('InvertSampled') && !has('NotSampled')));
  return { kept, by: decisions.filter(([, d]) => d === 'Sampled').map(([n]) => n) };
}
