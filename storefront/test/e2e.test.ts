// @vitest-environment node
// The store in real headless Chromium (Debian's, driven by playwright-core) against the real local
// stack: broker, services, gateway, the console (the OTLP receiver the store's server forwards the
// browser's spans to) and this store's own server. axe-core checks every page; screenshots go to
// test-results/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decidePayment } from '@webstore/payment';
import { startStack, type Stack } from '@webstore/stack';
import { freePort, spawnService, waitFor } from '@webstore/testkit';
import { ancestry, spansOf, type OtlpTrace } from '../src/lib/trace.js';
import { checkA11y, fitsWidth, seedFor, telemetryOn } from './browser-checks.js';

const PHONE = { width: 390, height: 844 };
// Far above a normal order's few hundred milliseconds; the timeout test waits it out once.
const ORDER_TIMEOUT_MS = 5_000;
const DESKTOP = { width: 1280, height: 900 };

const shots = fileURLToPath(new URL('../test-results', import.meta.url));
const docsImage = fileURLToPath(new URL('../../docs/images/journey.png', import.meta.url));
let stack: Stack;
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'store-e2e-'));
  stack = await startStack({
    dataDir,
    storefront: true,
    console: true,
    env: { PAYMENT_LATENCY_MS: '50', OTEL_BSP_SCHEDULE_DELAY: '200' },
    // As in Compose, where the journey also links the trace to Grafana (Tempo).
    serviceEnv: {
      storefront: { GRAFANA_URL: 'http://localhost:3000' },
      gateway: { ORDER_TIMEOUT_MS: String(ORDER_TIMEOUT_MS) },
    },
  });
  expect(stack.urls.storefront, 'the store is built (npm run build)').toBeDefined();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function newPage(base = stack.urls.storefront!, viewport = PHONE): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(base);
  return page;
}

const ordersOf = async (token: string) =>
  (
    (await (
      await fetch(`${stack.urls.gateway}/api/orders?mine`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { orders: { orderId: string }[] }
  ).orders;

async function addToCart(page: Page, productName: string) {
  await page.getByRole('link', { name: productName }).click();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: 'Added' })
    .waitFor({ timeout: 10_000 })
    .catch(async (err) => {
      await page.screenshot({
        path: join(shots, `add-${productName}-failure.png`),
        fullPage: true,
      });
      throw err;
    });
  await page.getByRole('link', { name: 'Catalog', exact: true }).click();
}

async function checkout(page: Page, persona: string, country: string, seed: number) {
  await page.getByRole('link', { name: /^Cart/ }).click();
  await page.getByLabel('Shopping as').selectOption({ label: persona });
  await page.getByLabel('Ship to').selectOption({ label: country });
  await page.getByText('Advanced').click();
  await page.getByLabel(/Payment seed/).fill(String(seed));
  await page.getByRole('button', { name: 'Place order' }).click();
}

describe('the store', () => {
  it('browse → add two items → check out as a US shopper → one trace from the click to every consumer', async () => {
    const page = await newPage(stack.urls.storefront, DESKTOP);
    await page.getByRole('heading', { name: 'Catalog' }).waitFor();
    await telemetryOn(page);
    await checkA11y(page, 'catalog');
    await page.screenshot({ path: join(shots, 'catalog.png'), fullPage: true });
    await page.getByRole('button', { name: /^Add to cart\W+Desk Lamp$/ }).click();
    await page.getByRole('status').filter({ hasText: 'Added Desk Lamp to your cart.' }).waitFor();
    await page.getByRole('link', { name: 'Wireless Earbuds' }).click();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('status').filter({ hasText: 'Added' }).waitFor();
    await checkA11y(page, 'product');
    await page.screenshot({ path: join(shots, 'product.png'), fullPage: true });
    await page.getByRole('link', { name: /^Cart/ }).click();
    await page.getByRole('button', { name: 'One more Desk Lamp' }).click();
    await page.getByRole('button', { name: 'One fewer Desk Lamp' }).click();
    expect(await page.getByTestId('cart-line').count()).toBe(2);
    expect(await page.getByTestId('cart-total').textContent()).toBe('$188.00');
    expect(await page.getByRole('link', { name: /^Cart/ }).textContent()).toBe('Cart (2)');
    await page.getByLabel('Shopping as').selectOption({ label: 'Ana Lima' });
    await page.getByLabel('Ship to').selectOption({ label: 'United States' });
    await page.getByText('Advanced').click();
    await page.getByLabel(/Payment seed/).fill(String(seedFor('US', 'authorized')));
    expect(await page.getByTestId('shopper').textContent()).toMatch(/Ana Lima · United States/);
    await checkA11y(page, 'cart');
    await page.screenshot({ path: join(shots, 'cart.png'), fullPage: true });
    await page.getByRole('button', { name: 'Place order' }).click();
    await page
      .getByTestId('outcome')
      .filter({ hasText: 'Order completed' })
      .waitFor({ timeout: 30_000 });
    const events = await page.getByTestId('journey-event').allTextContents();
    expect(events.map((e) => e.split(/\s/)[0])).toEqual([
      'OrderPlaced',
      'StockReserved',
      'PaymentAuthorized',
    ]);
    expect(events[1]).toMatch(/webstore\.inventory\.v1 · partition \d+ · offset \d+ · inventory/);
    const traceId = (await page.getByTestId('trace-id').textContent())!;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(await page.getByRole('link', { name: 'Open in console' }).getAttribute('href')).toBe(
      `${stack.urls.console}/traces/${traceId}`,
    );
    expect(await page.getByRole('link', { name: 'Open in Grafana' }).getAttribute('href')).toMatch(
      /^http:\/\/localhost:3000\/explore\?left=/,
    );
    await page.getByTestId('summary').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('decided-by').textContent()).toBe('payment');

    // The console holds one trace from the click: the browser's checkout span is an ancestor of
    // the gateway's HTTP server span, and the three topics' consumers are in it.
    const spans = await waitFor(
      async () => {
        const res = await fetch(`${stack.urls.console}/api/traces/${traceId}`);
        if (!res.ok) return undefined;
        const all = spansOf((await res.json()) as OtlpTrace);
        const http = all.find((s) => s.service === 'gateway' && s.kind === 2);
        const consumers = new Set(all.filter((s) => s.kind === 5).map((s) => s.topic));
        // The browser's spans come in their own export, and the fetch span ends last.
        const root = http && ancestry(all, http.spanId).at(-1);
        return consumers.size >= 3 && root?.service === 'storefront-web' ? all : undefined;
      },
      {
        timeoutMs: 30_000,
        intervalMs: 250,
        message: `trace ${traceId} in the console with storefront-web, the gateway's HTTP span and consumers of three topics`,
      },
    );
    const http = spans.find((s) => s.service === 'gateway' && s.kind === 2)!;
    const chain = ancestry(spans, http.spanId);
    expect(chain.map((s) => `${s.service}: ${s.name}`)).toEqual(
      expect.arrayContaining(['storefront-web: checkout']),
    );
    expect(chain.at(-1)!.service, 'the trace starts in the browser').toBe('storefront-web');
    expect([...new Set(spans.filter((s) => s.kind === 5).map((s) => s.service))]).toEqual(
      expect.arrayContaining(['inventory', 'payment']),
    );

    // Funnel events are sent inside their own browser spans (with the session id), so the gateway's
    // handling of an add-to-cart is in the browser's trace.
    const funnel = await waitFor(
      async () => {
        const res = await fetch(
          `${stack.urls.console}/api/traces?service=storefront-web&name=${encodeURIComponent('funnel add_to_cart')}`,
        );
        const { traces } = (await res.json()) as {
          traces: { traceId: string; services: string[] }[];
        };
        return traces.find((t) => t.services.includes('gateway'));
      },
      {
        timeoutMs: 20_000,
        intervalMs: 250,
        message: 'a funnel add_to_cart trace through the gateway',
      },
    );
    const funnelTrace = (await (
      await fetch(`${stack.urls.console}/api/traces/${funnel.traceId}`)
    ).json()) as OtlpTrace;
    const click = funnelTrace.resourceSpans
      .flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))
      .find((s) => s.name === 'funnel add_to_cart');
    expect(click?.attributes?.find((a) => a.key === 'session.id')?.value?.stringValue).toMatch(
      /^web-/,
    );

    // The journey's waterfall is drawn from the same trace, with each hop's wait in its topic.
    await page
      .locator('[data-testid="span"][data-service="storefront-web"]')
      .first()
      .waitFor({ timeout: 30_000 });
    await page.getByTestId('hop').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('hop').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^webstore\.orders\.v1inventory\d+\.\d ms$/)]),
    );
    await checkA11y(page, 'journey');
    await page.screenshot({ path: join(shots, 'journey-completed.png'), fullPage: true });
    mkdirSync(join(docsImage, '..'), { recursive: true });
    await page.screenshot({ path: docsImage, fullPage: true });
    await page.getByRole('link', { name: 'My orders' }).click();
    await page.getByRole('cell', { name: 'completed' }).first().waitFor();
    await checkA11y(page, 'my orders');
    await page.screenshot({ path: join(shots, 'my-orders.png'), fullPage: true });
    await page.getByRole('link', { name: /^Cart/ }).click();
    await page.getByTestId('empty-cart').waitFor();
    await checkA11y(page, 'empty cart');
    await page.screenshot({ path: join(shots, 'cart-empty.png'), fullPage: true });
  });

  it('shows a Brazilian decline live to its compensation (StockReleased), on a phone', async () => {
    const page = await newPage();
    await addToCart(page, 'Gooseneck Kettle');
    await fitsWidth(page, 'catalog');
    const seed = seedFor('BR', 'declined');
    const decision = decidePayment({ orderId: 'x', country: 'BR', paymentSeed: seed }, 0);
    await checkout(page, 'Taylor Test', 'Brazil', seed);
    const outcome = page.getByTestId('outcome').filter({ hasText: 'Payment declined' });
    await outcome.waitFor({ timeout: 30_000 }).catch(async (err) => {
      await page.screenshot({ path: join(shots, 'journey-declined-failure.png'), fullPage: true });
      throw err;
    });
    const reasons: Record<string, string> = {
      insufficient_funds: 'insufficient funds',
      card_declined: 'card declined',
      fraud_suspected: 'suspected fraud',
      expired_card: 'expired card',
    };
    expect(await outcome.textContent()).toContain(reasons[(decision as { reason: string }).reason]);
    // The compensation arrives on the open event stream, after the decline: no reload.
    await page
      .getByTestId('journey-event')
      .filter({ hasText: /^StockReleased/ })
      .waitFor({ timeout: 30_000 });
    expect(
      (await page.getByTestId('journey-event').allTextContents()).map((e) => e.split(/\s/)[0]),
    ).toEqual(['OrderPlaced', 'StockReserved', 'PaymentDeclined', 'StockReleased']);
    const summary = page.getByTestId('summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('Reserved stock released (StockReleased)');
    expect(await page.getByTestId('decided-by').textContent()).toBe('payment');
    await checkA11y(page, 'declined journey');
    await fitsWidth(page, 'journey');
    await page.screenshot({ path: join(shots, 'journey-declined.png'), fullPage: true });
  });

  it('a double-clicked checkout, and the same request sent again, place exactly one order', async () => {
    const token = 'user-token-321';
    const before = (await ordersOf(token)).length;
    const page = await newPage();
    await addToCart(page, 'Insulated Bottle');
    await page.getByRole('link', { name: /^Cart/ }).click();
    await page.getByLabel('Shopping as').selectOption({ value: token });
    const sent = page.waitForRequest(
      (r) => r.url().endsWith('/api/orders') && r.method() === 'POST',
    );
    await page.getByRole('button', { name: 'Place order' }).dblclick();
    const request = await sent;
    await page.getByTestId('outcome').waitFor({ timeout: 30_000 });
    const orderId = page.url().split('#/orders/')[1];
    const key = request.headers()['idempotency-key'];
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    // A retry of the same request (through the store's proxy) gets the same order back.
    const retry = await fetch(`${stack.urls.storefront}/api/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'idempotency-key': key!,
      },
      body: request.postData()!,
    });
    expect(retry.status).toBe(202);
    expect(((await retry.json()) as { orderId: string }).orderId).toBe(orderId);
    const after = await ordersOf(token);
    expect(after.length, 'one new order').toBe(before + 1);
    expect(after.filter((o) => o.orderId === orderId)).toHaveLength(1);
  });

  it('checks out with the keyboard alone', async () => {
    const page = await newPage();
    const tabTo = async (name: RegExp) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => [
          document.activeElement?.getAttribute('aria-label') ?? '',
          document.activeElement?.textContent?.trim() ?? '',
        ]);
        if (focused.some((label) => name.test(label))) return;
      }
      throw new Error(`could not tab to ${name}`);
    };
    await page.getByRole('heading', { name: 'Catalog' }).waitFor();
    await tabTo(/^Bookshelf Speakers$/);
    await page.keyboard.press('Enter');
    await tabTo(/^Add to cart$/);
    await page.keyboard.press('Enter');
    await tabTo(/^Cart, \d+ items/);
    await page.keyboard.press('Enter');
    await tabTo(/^Place order$/);
    await page.keyboard.press('Enter');
    await page.getByTestId('outcome').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('outcome').textContent()).toMatch(
      /Order completed|Payment declined|Out of stock/,
    );
    await page.screenshot({ path: join(shots, 'keyboard-checkout.png'), fullPage: true });
  });

  it('tells the shopper clearly when the gateway is down', async () => {
    const port = await freePort();
    const deadGateway = `http://127.0.0.1:${await freePort()}`;
    const store = await spawnService({
      command: process.execPath,
      args: [fileURLToPath(new URL('../server/server.js', import.meta.url))],
      env: { PORT: String(port), GATEWAY_URL: deadGateway },
      readyLine: /storefront listening/,
    });
    try {
      const page = await newPage(`http://127.0.0.1:${port}`);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/cannot reach the WebStore gateway/);
      await checkA11y(page, 'gateway down');
      await page.screenshot({ path: join(shots, 'gateway-down.png'), fullPage: true });
    } finally {
      await store.stop();
    }
  });

  it('follows an order whose stock step is down to its timeout, live, and to the saga’s end', async () => {
    await stack.stopService('inventory');
    let restarted = false;
    try {
      const page = await newPage();
      await addToCart(page, 'Daypack 28L');
      await checkout(page, 'Taylor Test', 'Germany', seedFor('DE', 'authorized'));
      await page
        .getByTestId('outcome')
        .filter({ hasText: 'Timed out' })
        .waitFor({ timeout: ORDER_TIMEOUT_MS + 20_000 });
      expect(
        (await page.getByTestId('journey-event').allTextContents()).map((e) => e.split(/\s/)[0]),
      ).toEqual(['OrderPlaced', 'OrderTimedOut', 'PaymentDeclined']);
      await stack.startService('inventory');
      restarted = true;
      // Inventory answers the order either way (reserved then released, or rejected): the saga ends.
      const summary = page.getByTestId('summary');
      await summary.waitFor({ timeout: 30_000 });
      expect(
        (await page.getByTestId('journey-event').allTextContents()).map((e) => e.split(/\s/)[0]),
      ).toEqual(expect.arrayContaining([expect.stringMatching(/^Stock(Released|Rejected)$/)]));
      expect(await page.getByTestId('decided-by').textContent()).toBe('payment');
      await checkA11y(page, 'timed-out journey');
      await page.screenshot({ path: join(shots, 'journey-timeout.png'), fullPage: true });
    } finally {
      if (!restarted) await stack.startService('inventory');
    }
  });
});
