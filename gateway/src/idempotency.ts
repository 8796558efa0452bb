// Idempotency-Key handling: exactly one order per key. The request that arrives first owns the key
// while it publishes; concurrent requests with the same key wait for its answer and get the same
// one; the answer is then kept in the state store, so a retry after a restart gets it too. A key
// reused for a different order is a conflict.
import type { StateStore } from '@webstore/consumer-runtime/store';
import { Problem } from './problem.js';

export interface Accepted {
  orderId: string;
  traceId: string;
  status: 'pending';
}

interface Entry {
  fingerprint: string;
  answer: Accepted;
}

const conflict = () =>
  new Problem(
    'idempotency-conflict',
    'this Idempotency-Key was used for a different order',
    'Idempotency-Key',
  );

export function idempotencyKeys(store: StateStore) {
  const kept = store.table<Entry>('idempotency_keys');
  const inFlight = new Map<string, { fingerprint: string; answer: Promise<Accepted> }>();
  return {
    /** The key's answer: recorded, being produced by another request, or produced by `place`. */
    async once(
      key: string,
      fingerprint: string,
      place: () => Promise<Accepted>,
    ): Promise<Accepted> {
      const recorded = kept.get(key);
      if (recorded) {
        if (recorded.fingerprint !== fingerprint) throw conflict();
        return recorded.answer;
      }
      const running = inFlight.get(key);
      if (running) {
        if (running.fingerprint !== fingerprint) throw conflict();
        return running.answer;
      }
      const answer = place();
      inFlight.set(key, { fingerprint, answer });
      try {
        const result = await answer;
        kept.put(key, { fingerprint, answer: result }, { settled: true });
        return result;
      } finally {
        inFlight.delete(key);
      }
    },
    evict: (cutoffMs: number) => kept.evictSettledBefore(cutoffMs),
  };
}

export type IdempotencyKeys = ReturnType<typeof idempotencyKeys>;
