// The individual probes. Each resolves to a short detail on success and throws on failure, so the
// runner can time them uniformly and turn any error into a red row.
import { Kafka, logLevel } from 'kafkajs';
import { allTopics } from '@webstore/schemas';

export interface CheckResult {
  name: string;
  kind: 'dependency' | 'service' | 'backend';
  target: string;
  status: 'ok' | 'fail';
  latencyMs: number;
  detail: string;
}

/** GET a health or readiness URL; 2xx is healthy, anything else is reported with its body. */
export async function probeHttp(url: string, timeoutMs: number): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new Error(describeNetworkError(err, timeoutMs), { cause: err });
  }
  const body = (await response.text()).trim();
  if (!response.ok) throw new Error(`HTTP ${response.status}${body ? `: ${summarise(body)}` : ''}`);
  return `HTTP ${response.status}${body ? ` ${summarise(body)}` : ''}`;
}

/** Connects to Kafka, lists topics and reports any of the catalog's topics that are missing. */
export async function probeKafka(brokers: string[], timeoutMs: number): Promise<string> {
  const kafka = new Kafka({
    clientId: 'webstore-doctor',
    brokers,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await withTimeout(admin.connect(), timeoutMs, 'connect');
    const topics = new Set(await withTimeout(admin.listTopics(), timeoutMs, 'list topics'));
    const missing = allTopics()
      .map((t) => t.name)
      .filter((t) => !topics.has(t));
    if (missing.length > 0) throw new Error(`missing topics: ${missing.join(', ')}`);
    return `${allTopics().length} WebStore topics present`;
  } catch (err) {
    throw new Error(describeNetworkError(err, timeoutMs), { cause: err });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describeNetworkError(err: unknown, timeoutMs: number): string {
  const error = err as Error & { cause?: { code?: string }; code?: string };
  const code = error.cause?.code ?? error.code;
  if (code === 'ECONNREFUSED' || /ECONNREFUSED|Connection error/.test(error.message))
    return 'connection refused (not running?)';
  if (code === 'ENOTFOUND') return 'host not found';
  if (error.name === 'TimeoutError' || /timed out|timeout/i.test(error.message))
    return `no answer within ${timeoutMs} ms`;
  return error.message;
}

function summarise(body: string): string {
  const oneLine = body.replace(/\s+/g, ' ');
  return oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine;
}
