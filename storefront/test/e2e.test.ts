// @vitest-environment node
// The store in real headless Chromium (Debian's, driven by playwright-core) against the real local
// stack: broker, services, gateway and this store's own server. Screenshots go to test-results/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decidePayment } from '@webstore/payment';
import { startStack, type Stack } from '@webstore/stack';
import { freePort, spawnService } from '@webstore/testkit';

const shots = fileURLToPath(new URL('../test-results', import.meta.url));
const docsImage = fileURLToPath(new URL('../../docs/images/journey.png', import.meta.url));
let stack: Stack;
let browser: Browser;
let dataDir: string;

const seedFor = (country: string, outcome: 'authorized' | 'declined') => {
  for (let s = 0; ; s++)
    if (decidePayment({ orderId: 'x', country, paymentSeed: s }, 0).outcome === outcome) return s;
};

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'store-e2e-'));
  stack = await startStack({ dataDir, storefront: true, env: { PAYMENT_LATENCY_MS: '50' } });
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

async function newPage(base = stack.urls.storefront!): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(base);
  return page;
}

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
  it('browse → add two items → check out as a US shopper → the journey ends completed', async () => {
    const page = await newPage();
    await page.getByRole('heading', { name: 'Catalog' }).waitFor();
    await page.screenshot({ path: join(shots, 'catalog.png'), fullPage: true });
    await addToCart(page, 'Desk Lamp');
    await addToCart(page, 'Wireless Earbuds');
    await expect
      .poll(() => page.getByRole('link', { name: /^Cart/ }).textContent())
      .toBe('Cart (2)');
    await checkout(page, 'Ana Lima', 'United States', seedFor('US', 'authorized'));
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
    expect(events[1]).toMatch(/webstore\.inventory\.v1 · partition \d · offset \d+ · inventory/);
    const traceId = await page.getByTestId('trace-id').textContent();
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(
      await page
        .getByRole('link', { name: 'Open trace in the WebStore Console' })
        .getAttribute('href'),
    ).toBe(`http://localhost:3002/traces/${traceId}`);
    expect(
      await page.getByRole('link', { name: 'Open trace in Grafana' }).getAttribute('href'),
    ).toMatch(/^http:\/\/localhost:3000\/explore\?left=/);
    await page.screenshot({ path: join(shots, 'journey-completed.png'), fullPage: true });
    mkdirSync(join(docsImage, '..'), { recursive: true });
    await page.screenshot({ path: docsImage, fullPage: true });
    await page.getByRole('link', { name: 'My orders' }).click();
    await page.getByRole('cell', { name: 'completed' }).first().waitFor();
    await page.screenshot({ path: join(shots, 'my-orders.png'), fullPage: true });
  });

  it('shows the decline reason of a Brazilian order the seed declines', async () => {
    const page = await newPage();
    await addToCart(page, 'Gooseneck Kettle');
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
    expect(await page.getByTestId('journey-event').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^PaymentDeclined/)]),
    );
    await page.screenshot({ path: join(shots, 'journey-declined.png'), fullPage: true });
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
      await page.screenshot({ path: join(shots, 'gateway-down.png'), fullPage: true });
    } finally {
      await store.stop();
    }
  });
});
