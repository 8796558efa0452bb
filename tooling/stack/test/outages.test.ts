// Kafka going away and consumers kept waiting, against the real processes: a broker SIGKILLed and
// restarted under load, and a fault delay longer than the consumer session timeout.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decidePayment } from '@webstore/payment';
import { allTopics, TOPICS } from '@webstore/schemas';
import { waitFor } from '@webstore/testkit';
import { startStack, type Stack } from '../src/stack.js';
import {
  getOrder,
  metricValue,
  postOrder,
  readTopic,
  setFault,
  tails,
  traceLines,
  untilSagasEnd,
  watch,
} from './outage-helpers.js';

const PAYMENT_SEED = 11;
let stack: Stack;
let dataDir: string;
let traceFile: string;
let kafka: kafkajs.Kafka;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'webstore-outages-'));
  traceFile = join(dataDir, 'kafka-trace.jsonl');
  stack = await startStack({
    dataDir,
    kafkaTraceFile: traceFile,
    env: {
      PAYMENT_LATENCY_MS: '5',
      // A short kafkajs budget in the consumers, so a publish exhausts it during the outage.
      KAFKA_RETRIES: '2',
      KAFKA_RETRY_MAX_MS: '1000',
    },
    serviceEnv: { payment: { PAYMENT_SEED: String(PAYMENT_SEED) } },
  });
  kafka = new kafkajs.Kafka({ brokers: [stack.kafkaBrokers], logLevel: kafkajs.logLevel.NOTHING });
});

afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Bunyan records of a service's log matching `keep`. */
function logLines(name: 'payment' | 'inventory', keep: (e: Record<string, unknown>) => boolean) {
  return readFileSync(stack.logFile(name), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return {};
      }
    })
    .filter(keep);
}

function authorizingSeed(country: string): number {
  for (let seed = 0; ; seed++)
    if (decidePayment({ orderId: 'any', country, paymentSeed: seed }, 0).outcome === 'authorized')
      return seed;
}

describe('a consumer kept waiting longer than its session timeout', () => {
  it('stays in its group: no rebalance while a fault delay exceeds the session timeout', async () => {
    // Every (re)join: payment's log line, and the broker's JoinGroup answers in its protocol trace.
    const joins = () => logLines('payment', (e) => e.msg === 'joined consumer group');
    const joinAnswers = () =>
      traceLines(
        traceFile,
        (e) => e.api === 'JoinGroup' && e.dir === 'response' && e.group === 'payment',
      );
    await waitFor(() => joins().length > 0, { message: 'payment joined its group (log)' });
    const before = joins();
    const answersBefore = joinAnswers().length;
    const ready = watch(`${stack.urls.payment}/readyz`, 250);
    // 11 s per message against the consumers' 10 s session timeout.
    await setFault(stack, 'payment', 11_000);
    try {
      const seed = authorizingSeed('US');
      const orderIds: string[] = [];
      for (const productId of ['sku-mouse', 'sku-keyboard']) {
        const response = await postOrder(stack, {
          items: [{ productId, quantity: 1 }],
          country: 'US',
          paymentSeed: seed,
        });
        expect(response.status).toBe(202);
        orderIds.push(((await response.json()) as { orderId: string }).orderId);
      }
      const orders = await untilSagasEnd(stack, orderIds, 90_000);
      expect(orders.map((o) => o.status)).toEqual(['completed', 'completed']);
    } finally {
      await setFault(stack, 'payment', 0);
      await ready.stop();
    }
    expect(
      joins()
        .slice(before.length)
        .map((e) => `${e.time} ${JSON.stringify(e.assignment)}`),
      'payment rejoining its group while each message took 11 s',
    ).toEqual([]);
    expect(answersBefore, 'JoinGroup answers to payment in the broker trace').toBeGreaterThan(0);
    expect(joinAnswers().length, 'JoinGroup answers to payment (broker trace)').toBe(answersBefore);
    expect(ready.samples.filter((s) => s.status !== 200).map((s) => s.body)).toEqual([]);
  }, 150_000);
});

interface Attempt {
  startedAt: number;
  ms: number;
  status: number;
  contentType: string | null;
  retryAfter: string | null;
}

/** Shoppers placing orders in a loop; a 503 is retried with the same Idempotency-Key. */
function startLoad(workers = 3, pauseMs = 150) {
  const attempts: Attempt[] = [];
  const accepted = new Map<string, number>();
  const unexpected: string[] = [];
  const products = ['sku-headphones', 'sku-earbuds', 'sku-keyboard', 'sku-mouse', 'sku-monitor'];
  let running = true;
  let n = 0;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const worker = async () => {
    while (running) {
      const key = randomUUID();
      const body = {
        items: [{ productId: products[n++ % products.length], quantity: 1 }],
        country: 'US',
      };
      for (;;) {
        const startedAt = Date.now();
        let response: Response;
        try {
          response = await postOrder(stack, body, key);
        } catch (err) {
          unexpected.push(`no answer: ${(err as Error).message}`);
          break;
        }
        const attempt: Attempt = {
          startedAt,
          ms: Date.now() - startedAt,
          status: response.status,
          contentType: response.headers.get('content-type'),
          retryAfter: response.headers.get('retry-after'),
        };
        attempts.push(attempt);
        if (response.status === 202) {
          accepted.set(((await response.json()) as { orderId: string }).orderId, Date.now());
          break;
        }
        if (response.status !== 503) {
          unexpected.push(`${response.status} ${await response.text()}`);
          break;
        }
        await response.body?.cancel();
        if (!running) break;
        // What a client does with a 503: wait as told, then retry with the same key.
        await pause(Number(attempt.retryAfter ?? 1) * 1000);
      }
      await pause(pauseMs);
    }
  };
  const loops = Array.from({ length: workers }, worker);
  return {
    attempts,
    accepted,
    unexpected,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe('the broker killed under load', () => {
  it('answers 503 fast, reports not ready, recovers by itself, and loses and doubles nothing', async () => {
    const gatewayReady = watch(`${stack.urls.gateway}/readyz`);
    const paymentReady = watch(`${stack.urls.payment}/readyz`);
    const inventoryReady = watch(`${stack.urls.inventory}/readyz`);
    const load = startLoad();
    let killedAt = 0;
    let restartedAt = 0;
    try {
      await waitFor(() => load.accepted.size >= 10, {
        timeoutMs: 30_000,
        message: '10 orders accepted before the outage',
      });
      // Payment is mid-message (in a fault delay) when the broker dies: the answer it publishes
      // afterwards fails and waits for Kafka, counted as the consumer's own retries are.
      await setFault(stack, 'payment', 3_000);
      const faultAt = Date.now();
      await waitFor(
        async () => {
          const recent = [...load.accepted].filter(([, at]) => at > faultAt).map(([id]) => id);
          const orders = await Promise.all(recent.map((id) => getOrder(stack, id)));
          return orders.some((o) => o?.events.some((e) => e.type === 'StockReserved'));
        },
        { timeoutMs: 30_000, message: 'a reservation waiting for payment' },
      );
      const retriesBefore = await metricValue(
        stack.urls.payment,
        'webstore_consumer_infrastructure_retries_total',
      );

      killedAt = Date.now();
      await stack.killService('kafka');
      const outage = { timeoutMs: 15_000, message: '' };
      const notReady = await waitFor(() => gatewayReady.first(503, killedAt), {
        ...outage,
        message: 'gateway /readyz to answer 503',
      });
      const refused = await waitFor(
        () => load.attempts.find((a) => a.startedAt >= killedAt && a.status === 503),
        { ...outage, message: 'POST /api/orders to answer 503' },
      );
      await waitFor(
        async () =>
          (await metricValue(
            stack.urls.payment,
            'webstore_consumer_infrastructure_retries_total',
          )) > retriesBefore,
        { timeoutMs: 30_000, message: 'payment retrying its publish while Kafka is down' },
      );
      const paymentOut = await waitFor(() => paymentReady.first(503, killedAt), {
        ...outage,
        message: 'payment /readyz to answer 503 (not in its group)',
      });
      const inventoryOut = await waitFor(() => inventoryReady.first(503, killedAt), {
        ...outage,
        message: 'inventory /readyz to answer 503 (not in its group)',
      });

      restartedAt = Date.now();
      await stack.startService('kafka');
      const backReady = await waitFor(() => gatewayReady.first(200, restartedAt), {
        timeoutMs: 30_000,
        message: 'gateway /readyz to answer 200 again',
      });
      const backAccepting = await waitFor(
        () => load.attempts.find((a) => a.startedAt >= restartedAt && a.status === 202),
        { timeoutMs: 30_000, message: 'POST /api/orders to answer 202 again' },
      );
      await waitFor(
        () => paymentReady.first(200, restartedAt) && inventoryReady.first(200, restartedAt),
        { timeoutMs: 60_000, message: 'payment and inventory back in their groups' },
      );
      await setFault(stack, 'payment', 0);
      const acceptedBack = load.accepted.size;
      await waitFor(() => load.accepted.size >= acceptedBack + 5, {
        timeoutMs: 30_000,
        message: '5 more orders accepted after the outage',
      });
      await load.stop();

      const during = load.attempts.filter(
        (a) => a.startedAt >= killedAt && a.startedAt + a.ms < restartedAt,
      );
      const orderIds = [...load.accepted.keys()];
      const orders = await untilSagasEnd(stack, orderIds, 180_000);
      const outcomes = new Map<string, number>();
      for (const m of await readTopic(kafka, TOPICS.payments)) {
        const key = m.key!.toString();
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }
      const placed = new Map<string, number>();
      for (const m of await readTopic(kafka, TOPICS.orders)) {
        const key = m.key!.toString();
        placed.set(key, (placed.get(key) ?? 0) + 1);
      }
      const deadLetters = await Promise.all(
        allTopics()
          .filter((t) => t.name.endsWith('.dlq'))
          .map(async (t) => [t.name, (await readTopic(kafka, t.name)).length] as const),
      );
      console.log(
        JSON.stringify({
          msToReadyz503: notReady.at - killedAt,
          msToFirst503: refused.startedAt + refused.ms - killedAt,
          slowest503Ms: Math.max(...during.map((a) => a.ms)),
          paymentNotReadyMs: paymentOut.at - killedAt,
          inventoryNotReadyMs: inventoryOut.at - killedAt,
          outageMs: restartedAt - killedAt,
          msToReadyz200: backReady.at - restartedAt,
          msToFirst202: backAccepting.startedAt + backAccepting.ms - restartedAt,
          refusedDuringOutage: during.length,
          accepted: orderIds.length,
          completed: orders.filter((o) => o.status === 'completed').length,
          failed: orders.filter((o) => o.status === 'failed').map((o) => o.reason),
          orderPlacedTwice: orderIds.filter((id) => (placed.get(id) ?? 0) > 1).length,
        }),
      );

      expect(load.unexpected).toEqual([]);
      expect(notReady.at - killedAt).toBeLessThanOrEqual(5_000);
      expect(notReady.body).toMatchObject({ status: 'not ready', failing: ['kafka'] });
      expect(during.length).toBeGreaterThan(0);
      expect(during.filter((a) => a.status !== 503 || a.ms > 5_000)).toEqual([]);
      expect(
        during.filter(
          (a) =>
            a.contentType !== 'application/problem+json' || !/^[1-9]\d*$/.test(a.retryAfter ?? ''),
        ),
      ).toEqual([]);
      expect(orders.filter((o) => !['completed', 'failed'].includes(o.status))).toEqual([]);
      // Exactly one payment outcome per order that reached payment, none for a stock-out.
      const wrong = orders
        .map((o) => ({
          orderId: o.orderId,
          status: o.status,
          expected: o.reason === 'out_of_stock' ? 0 : 1,
          outcomes: outcomes.get(o.orderId) ?? 0,
        }))
        .filter((o) => o.outcomes !== o.expected);
      expect(wrong).toEqual([]);
      expect(deadLetters.filter(([, n]) => n > 0)).toEqual([]);
      // The outage is logged once by payment's runtime, and its end once.
      const since = (e: Record<string, unknown>) => Date.parse(String(e.time)) >= killedAt;
      expect(
        logLines('payment', (e) => since(e) && String(e.msg).startsWith('Kafka unreachable')),
      ).toHaveLength(1);
      expect(
        logLines('payment', (e) => since(e) && String(e.msg).startsWith('Kafka reachable again')),
      ).toHaveLength(1);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${tails(stack)}`, { cause: err });
    } finally {
      await load.stop();
      await Promise.all([gatewayReady.stop(), paymentReady.stop(), inventoryReady.stop()]);
      // Bring the broker back for whatever runs next, without hiding the failure above.
      if (killedAt && !restartedAt) await stack.startService('kafka').catch(() => undefined);
    }
  }, 400_000);
});
