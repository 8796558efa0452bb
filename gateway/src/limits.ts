// What one client may ask of the gateway: a request rate per client on the routes that write to
// Kafka (a token bucket per bearer token, or per IP address without one), and a cap on open
// event streams. Over a limit the answer is a problem with Retry-After, never a slow death.
import type { Context, Next } from 'koa';
import { bearerOf } from './auth.js';
import { Problem } from './problem.js';

export interface RateLimit {
  /** Requests per second one client may sustain; 0 turns the limit off. */
  perSecond: number;
  /** Requests one client may send at once after being idle. */
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const SWEEP_AT = 10_000;

/** Koa middleware answering 429 + Retry-After once a client has used up its bucket. */
export function rateLimit(
  what: string,
  limit: RateLimit,
  now: () => number = () => performance.now(),
) {
  const buckets = new Map<string, Bucket>();
  const refill = (bucket: Bucket, t: number) => {
    bucket.tokens = Math.min(
      limit.burst,
      bucket.tokens + ((t - bucket.at) / 1000) * limit.perSecond,
    );
    bucket.at = t;
  };
  return async (ctx: Context, next: Next): Promise<void> => {
    if (limit.perSecond <= 0) return next();
    const token = bearerOf(ctx);
    const key = token ? `token:${token}` : `ip:${ctx.ip}`;
    const t = now();
    // Idle clients' buckets are full again; forgetting them keeps memory bounded.
    if (buckets.size >= SWEEP_AT) {
      for (const [k, b] of buckets) {
        refill(b, t);
        if (b.tokens >= limit.burst) buckets.delete(k);
      }
    }
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = { tokens: limit.burst, at: t }));
    refill(bucket, t);
    if (bucket.tokens < 1) {
      const problem = new Problem(
        'rate-limited',
        `more than ${limit.perSecond} ${what} per second from this client (burst ${limit.burst}); retry after the Retry-After seconds`,
      );
      problem.retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
      throw problem;
    }
    bucket.tokens -= 1;
    return next();
  };
}

/** The open event streams: capped, and all ended at once on shutdown. */
export class OpenStreams {
  private readonly open = new Set<() => void>();

  constructor(
    readonly max: number,
    private readonly retryAfterSeconds = 5,
  ) {}

  get size(): number {
    return this.open.size;
  }

  /** Registers a stream's `end`; a 503 problem when the cap is reached. Returns the release. */
  add(end: () => void): () => void {
    if (this.open.size >= this.max) {
      const problem = new Problem(
        'unavailable',
        `the gateway already serves ${this.max} event streams; retry later`,
      );
      problem.retryAfterSeconds = this.retryAfterSeconds;
      throw problem;
    }
    this.open.add(end);
    return () => this.open.delete(end);
  }

  /** Ends every open stream (on shutdown, so the HTTP server can close). */
  endAll(): void {
    for (const end of [...this.open]) end();
    this.open.clear();
  }
}
