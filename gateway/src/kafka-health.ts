// Whether Kafka answers, as the gateway sees it: a Metadata request every second (a producer's
// CONNECT/DISCONNECT events only say a socket was opened or closed on purpose, not that the broker
// is alive), and any publish that failed because Kafka was unreachable. /readyz reports it, and
// while it is down the publisher refuses at once instead of letting checkouts hang.
import type { Admin } from 'kafkajs';
import type { Logger } from '@webstore/observability/logger';
import type { KafkaAvailability } from '@webstore/producer-client';

export interface KafkaHealthOptions {
  admin: Admin;
  log: Logger;
  /** Time between probes (default 1000 ms). */
  intervalMs?: number;
  /** A probe that has no answer by then counts as a failure (default 1500 ms). */
  probeTimeoutMs?: number;
}

export interface KafkaHealth extends KafkaAvailability {
  readonly up: boolean;
  /** Why Kafka is considered down (undefined while up). */
  readonly reason: string | undefined;
  /** Seconds a client should wait before retrying a request refused because Kafka is down. */
  readonly retryAfterSeconds: number;
  start(): void;
  stop(): Promise<void>;
}

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: unknown };
  const cause = e?.cause as { message?: string } | undefined;
  return `${e?.name ?? 'Error'}: ${cause?.message ?? e?.message ?? String(err)}`.slice(0, 300);
}

/** Creates the probe; `start()` begins probing (the first result arrives within one interval). */
export function createKafkaHealth(options: KafkaHealthOptions): KafkaHealth {
  const { admin, log } = options;
  const intervalMs = options.intervalMs ?? 1_000;
  const probeTimeoutMs = options.probeTimeoutMs ?? 1_500;
  let reason: string | undefined;
  let downSince = 0;
  let connected = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const markDown = (why: string) => {
    if (reason === undefined) {
      downSince = Date.now();
      log.warn(
        { reason: why },
        'Kafka unreachable: checkouts and activity answer 503 until it is back',
      );
    }
    reason = why;
  };
  const markUp = () => {
    if (reason !== undefined)
      log.info({ downForMs: Date.now() - downSince }, 'Kafka reachable again');
    reason = undefined;
  };

  async function probe(): Promise<void> {
    let deadline: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        (async () => {
          if (!connected) {
            await admin.connect();
            connected = true;
          }
          await admin.describeCluster();
        })(),
        new Promise((_, reject) => {
          deadline = setTimeout(
            () => reject(new Error(`no Metadata answer within ${probeTimeoutMs} ms`)),
            probeTimeoutMs,
          );
        }),
      ]);
      markUp();
    } catch (err) {
      markDown(describe(err));
      // A fresh connection next time: kafkajs keeps a dead socket's cluster state otherwise.
      connected = false;
      await admin.disconnect().catch(() => undefined);
    } finally {
      clearTimeout(deadline);
    }
  }

  const schedule = () => {
    timer = setTimeout(() => {
      running = probe().finally(() => {
        running = undefined;
        if (timer) schedule();
      });
    }, intervalMs);
    timer.unref();
  };

  return {
    get up() {
      return reason === undefined;
    },
    get reason() {
      return reason;
    },
    retryAfterSeconds: Math.max(1, Math.ceil((2 * intervalMs) / 1000)),
    unavailableReason: () => reason,
    reportFailure: (err) => markDown(describe(err)),
    start() {
      if (!timer) schedule();
    },
    async stop() {
      clearTimeout(timer);
      timer = undefined;
      await running;
      if (connected) await admin.disconnect().catch(() => undefined);
    },
  };
}
