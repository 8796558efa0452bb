// Seeded randomness. Each shopper draws from its own stream, derived from the run's seed and the
// shopper's number, so the decisions do not depend on how requests interleave in time.
import { mulberry32 } from '@webstore/payment';

export type Random = () => number;

/** The stream of shopper number `index` in a run seeded with `seed`. */
export function shopperStream(seed: number, index: number): Random {
  return mulberry32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Picks a key with probability proportional to its weight. */
export function weighted<K extends string>(random: Random, weights: Record<K, number>): K {
  const entries = Object.entries(weights) as [K, number][];
  const total = entries.reduce((n, [, w]) => n + w, 0);
  let r = random() * total;
  for (const [key, w] of entries) {
    r -= w;
    if (r < 0) return key;
  }
  return entries.at(-1)![0];
}
