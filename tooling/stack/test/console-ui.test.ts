// The WebStore Console's UI in real headless Chromium (Debian's, driven by playwright-core)
// against the real stack with the console as its OTLP endpoint: an order's trace found in the live
// list, its three Kafka hops with partition and offset in the waterfall, a span expanded, a link
// followed to analytics' batch trace and back, the trace's logs; a 2,000-span trace drawn (render
// time printed); the overview dashboard's funnel equal to the traffic generator's summary.
// Screenshots go to console/test-results/. It lives here, not in console/, because the console is
// a dependency of this package (a dev-dependency back would be a cycle in the build graph).
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '@webstore/schemas';
import { waitFor } from '@webstore/testkit';
import { REPO_ROOT, startStack, type Stack } from '../src/stack.js';
import { stackClient } from './helpers.js';

const shots = join(REPO_ROOT, 'console/test-results');
let stack: Stack;
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'webstore-console-ui-'));
  stack = await startStack({
    dataDir,
    console: true,
    env: {
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BLRP_SCHEDULE_DELAY: '200',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      PAYMENT_LATENCY_MS: '5',
    },
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function open(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  page.setDefaultTimeout(30_000);
  await page.goto(`${stack.urls.console}${path}`);
  return page;
}

/** An OTLP/JSON export of one trace of `count` spans: gateway → Kafka hops → consumers. */
function bigTrace(count: number) {
  const traceId = Array.from({ length: 32 }, () =>
    Math.floor(Math.random() * 16).toString(16),
  ).join('');
  let n = 0;
  const id = () => (++n).toString(16).padStart(16, '0');
  const t0 = BigInt(Date.now()) * 1_000_000n;
  const at = (ms: number) => String(t0 + BigInt(Math.round(ms * 1000)) * 1000n);
  const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const bySvc = new Map<string, object[]>();
  const add = (service: string, span: object) =>
    bySvc.set(service, [...(bySvc.get(service) ?? []), { traceId, ...span }]);
  const root = id();
  add('gateway', {
    spanId: root,
    name: 'POST /api/orders',
    kind: 2,
    startTimeUnixNano: at(0),
    endTimeUnixNano: at(count),
    attributes: [],
    status: {},
  });
  const topics = [TOPICS.orders, TOPICS.inventory, TOPICS.payments];
  const services = ['gateway', 'inventory', 'payment', 'analytics'];
  for (let i = 0; n < count; i++) {
    const topic = topics[i % 3]!;
    const [from, to] = [services[i % 3]!, services[(i % 3) + 1]!];
    const [send, proc, work] = [id(), id(), id()];
    const attrs = [
      str('messaging.destination.name', topic),
      str('messaging.destination.partition.id', String(i % 3)),
      str('messaging.kafka.offset', String(i)),
    ];
    add(from, {
      spanId: send,
      parentSpanId: root,
      name: `send ${topic}`,
      kind: 4,
      startTimeUnixNano: at(i * 1.5),
      endTimeUnixNano: at(i * 1.5 + 0.4),
      attributes: attrs,
      status: {},
    });
    if (n < count)
      add(to, {
        spanId: proc,
        parentSpanId: send,
        name: `process ${topic}`,
        kind: 5,
        startTimeUnixNano: at(i * 1.5 + 0.9),
        endTimeUnixNano: at(i * 1.5 + 1.6),
        attributes: [...attrs, str('messaging.consumer.group.name', to)],
        status: {},
      });
    if (n < count)
      add(to, {
        spanId: work,
        parentSpanId: proc,
        name: 'handle',
        kind: 1,
        startTimeUnixNano: at(i * 1.5 + 1),
        endTimeUnixNano: at(i * 1.5 + 1.5),
        attributes: [],
        status: i % 97 === 0 ? { code: 2, message: 'boom' } : {},
      });
  }
  return {
    traceId,
    body: {
      resourceSpans: [...bySvc].map(([service, spans]) => ({
        resource: { attributes: [str('service.name', service)] },
        scopeSpans: [{ scope: { name: 'console-ui-test' }, spans }],
      })),
    },
  };
}

describe('the console UI in Chromium', () => {
  it('follows an order across Kafka: list, waterfall with hops, details, links, logs', async () => {
    const client = stackClient(stack);
    const { orderId, traceId } = await client.placeOrder({
      items: [{ productId: 'sku-lamp', quantity: 1 }],
      country: 'US',
      paymentSeed: 1,
    });
    await client.untilTerminal([orderId]);

    // The live list shows the order's trace; Enter on its row opens it.
    const page = await open('/');
    const row = page.locator(`tr[data-order-id="${orderId}"]`);
    await row.waitFor();
    await page.screenshot({ path: join(shots, 'traces.png') });
    await row.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/traces/${traceId}`);

    // All three topics as hops, each with partition and offset (spans may still be arriving).
    const hops = page.getByTestId('hop-label');
    await waitFor(
      async () => {
        const texts = await hops.allInnerTexts();
        return [TOPICS.orders, TOPICS.inventory, TOPICS.payments].every((t) =>
          texts.some((x) =>
            new RegExp(`${t.replaceAll('.', '\\.')} · partition \\d+ · offset \\d+`).test(x),
          ),
        );
      },
      {
        timeoutMs: 60_000,
        message: `hops over ${TOPICS.orders}, ${TOPICS.inventory}, ${TOPICS.payments} with partition and offset in the waterfall`,
      },
    );
    expect(await page.getByTestId('queue-bar').count()).toBeGreaterThanOrEqual(3);

    // Expand the inventory consumer span with the keyboard: its hop and attributes show.
    const consumer = page.locator(`[data-span-name="process ${TOPICS.orders}"]`).first();
    await consumer.focus();
    await page.keyboard.press('Enter');
    const details = page.getByTestId('span-details');
    await expect
      .poll(() => details.getByTestId('hop-details').innerText())
      .toContain(TOPICS.orders);
    expect(await details.innerText()).toContain('messaging.destination.partition.id');
    expect(page.url()).toMatch(/\?span=[0-9a-f]{16}$/);

    // The trace's logs under the waterfall.
    await expect
      .poll(() => page.getByTestId('trace-logs').innerText(), { timeout: 30_000 })
      .toContain('stock reserved');
    // Analytics' batch spans link into this trace (shown beside the child spans).
    const linked = page.getByTestId('linked-trace').first();
    await linked.waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(shots, 'trace.png'), fullPage: true });
    copyFileSync(join(shots, 'trace.png'), join(REPO_ROOT, 'docs/images/console-trace.png'));

    // Follow the link: analytics' own trace, its process span selected, with a link back.
    await linked.click();
    await page.waitForURL((u) => !u.pathname.endsWith(traceId) && u.search.startsWith('?span='));
    const back = page.getByTestId('span-details').getByTestId('span-link').first();
    await back.waitFor();
    await page.screenshot({ path: join(shots, 'linked-trace.png'), fullPage: true });
    await back.click();
    await page.waitForURL(`**/traces/${traceId}?span=*`);
    await expect
      .poll(() => page.getByTestId('span-details').innerText())
      .toMatch(/send webstore\.\w+\.v1/);
    await page.close();

    // The logs page finds the record and links to its trace.
    const logs = await open('/logs?q=stock%20reserved');
    const link = logs.locator(`[data-testid="log-list"] a[href^="/traces/${traceId}"]`).first();
    await link.waitFor();
    await logs.screenshot({ path: join(shots, 'logs.png') });
    await logs.close();

    // The service map draws the topics with produce and consume edges.
    const map = await open('/map');
    await expect.poll(() => map.getByTestId('map-edges').innerText()).toContain(TOPICS.payments);
    expect(await map.locator('svg.map rect.topic').count()).toBeGreaterThanOrEqual(3);
    await map.screenshot({ path: join(shots, 'map.png'), fullPage: true });
    await map.close();
  });

  it('says what is wrong: a malformed trace id, an unknown trace, no match, no such page', async () => {
    const page = await open('/traces/not-a-trace-id');
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/must be 32 hex digits/);
    await page.goto(`${stack.urls.console}/traces/${'0'.repeat(31)}1`);
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/no span of trace/);
    await page.goto(`${stack.urls.console}/traces?orderId=ord-none`);
    await page.getByText('No traces match').waitFor();
    await page.goto(`${stack.urls.console}/nowhere`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    await page.close();
  });

  it('says on the alerts page what to install when no Prometheus evaluates the rules', async () => {
    const page = await open('/alerts');
    const notice = page.getByTestId('alerts-not-configured');
    await notice.waitFor();
    const text = await notice.innerText();
    expect(text).toContain('sudo apt-get install prometheus');
    expect(text).toContain('npm start -- --with-prometheus');
    expect(await page.getByRole('link', { name: 'Alerts' }).getAttribute('aria-current')).toBe(
      'page',
    );
    await page.close();
  });

  it('draws a 2,000-span trace and scrolls to its last span', async () => {
    const { traceId, body } = bigTrace(2000);
    const posted = await fetch(`${stack.consoleOtlpHttp}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(posted.status).toBe(200);
    const page = await open(`/traces/${traceId}`);
    await page.getByTestId('render-ms').waitFor();
    expect(await page.getByTestId('waterfall').getAttribute('data-spans')).toBe('2000');
    const mark = await page.evaluate(() => {
      // Runs in the page: the mark the trace view sets once the waterfall is drawn.
      const m = performance.getEntriesByName('waterfall-rendered')[0] as unknown as {
        startTime: number;
        detail: { renderMs: number };
      };
      return { sinceNavigation: m.startTime, renderMs: m.detail.renderMs };
    });
    console.log(
      `console UI: 2,000-span trace drawn ${mark.renderMs.toFixed(0)} ms after its fetch started, ${mark.sinceNavigation.toFixed(0)} ms after navigation`,
    );
    // Only visible rows are in the DOM; scrolling to the end brings the last lane's spans in.
    expect(await page.locator('.span-row').count()).toBeLessThan(200);
    await page.locator('.waterfall .rows').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.locator('.span-row', { hasText: 'handle' }).last().waitFor();
    await page.screenshot({ path: join(shots, 'trace-2000.png') });
    await page.close();
  });

  it('shows the funnel the traffic generator reports on the overview dashboard', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        join(REPO_ROOT, 'producers/traffic/dist/cli.js'),
        '--url',
        stack.urls.gateway,
        '--users',
        '3',
        '--duration',
        '5',
        '--seed',
        '11',
        '--json',
      ],
      { timeout: 90_000 },
    );
    const summary = JSON.parse(stdout) as { funnel: Record<string, number> };
    expect(summary.funnel.browse_catalog).toBeGreaterThan(0);

    const page = await open('/dashboards/overview?traffic=synthetic&range=15m');
    const shown = () =>
      page
        .locator('[data-testid="funnel-totals"] tr')
        .evaluateAll((rows) =>
          Object.fromEntries(
            rows.map((r) => [r.getAttribute('data-stage'), Number(r.getAttribute('data-value'))]),
          ),
        );
    let last: Record<string, number> = {};
    await waitFor(
      async () => JSON.stringify((last = await shown())) === JSON.stringify(summary.funnel),
      {
        timeoutMs: 60_000,
        message: `the dashboard's synthetic funnel to equal the generator's ${JSON.stringify(summary.funnel)} (have ${JSON.stringify(last)})`,
      },
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last shown ${JSON.stringify(last)}`);
    });
    await page.locator('[data-testid="panel-orders"] .uplot').waitFor();
    await page.screenshot({ path: join(shots, 'overview.png'), fullPage: true });
    await page.goto(`${stack.urls.console}/dashboards/async?range=15m`);
    await page.locator('[data-testid="panel-throughput"] .uplot').waitFor();
    await page.screenshot({ path: join(shots, 'async.png'), fullPage: true });
    await page.close();
  });
});
