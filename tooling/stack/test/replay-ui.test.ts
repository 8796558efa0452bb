// The console's Kafka and replay pages in real headless Chromium (Debian's, driven by
// playwright-core) against the real stack: a republish --as-new of one order's window planned in
// the Replays page, its preview, executed with the admin token typed into the page, its live
// progress to the end; the copy found in the message browser with its replay headers, the link to
// the original message, the copy's trace and from its root span the link to the original trace.
// A refusal (an empty window) shows its problem detail. Screenshots go to console/test-results/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCatalog, TOPICS } from '@webstore/schemas';
import { waitFor } from '@webstore/testkit';
import { REPO_ROOT, startStack, type Stack } from '../src/stack.js';
import { ADMIN, stackClient } from './helpers.js';

const shots = join(REPO_ROOT, 'console/test-results');
let stack: Stack;
let browser: Browser;
let dataDir: string;
const orders: { orderId: string; traceId: string }[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'webstore-replay-ui-'));
  stack = await startStack({
    dataDir,
    console: true,
    env: {
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BLRP_SCHEDULE_DELAY: '200',
      PAYMENT_LATENCY_MS: '5',
    },
  });
  const client = stackClient(stack);
  for (const [i, country] of ['US', 'DE', 'JP'].entries())
    orders.push(
      await client.placeOrder({
        items: [{ productId: 'sku-book-sre', quantity: 1 }],
        country,
        paymentSeed: i,
      }),
    );
  await client.untilTerminal(orders.map((o) => o.orderId));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A new tab on the Replays page with the admin token typed into its form. */
async function replaysPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  page.setDefaultTimeout(20_000);
  await page.goto(`${stack.urls.console}/replays`);
  await page.locator('input[name="admin-token"]').fill(ADMIN);
  await page.getByRole('button', { name: 'Use token' }).click();
  await page.getByTestId('admin-token-set').waitFor();
  return page;
}

async function plan(page: Page, fields: Record<string, string>): Promise<void> {
  const form = page.getByTestId('replay-form');
  for (const [name, value] of Object.entries(fields))
    await form.locator(`input[name="${name}"]`).fill(value);
  await form.getByRole('button', { name: 'Preview' }).click();
}

describe('console replay pages (real Chromium)', () => {
  it('replays a window from the console and follows the replayed trace to its original', async () => {
    const original = orders[0]!;
    const page = await replaysPage();
    await expect(page.locator('input[name="asNew"]').isChecked()).resolves.toBe(true);
    await plan(page, { topic: TOPICS.orders, from: '30m', key: original.orderId });
    const preview = page.getByTestId('replay-preview');
    await preview.waitFor();
    expect(await preview.getByTestId('preview-total').innerText()).toBe('1');
    const partitionRow = preview.locator('tr[data-partition]', { hasText: original.orderId });
    expect(await partitionRow.innerText()).toContain('OrderPlaced × 1');
    await page.screenshot({ path: join(shots, 'replay-preview.png'), fullPage: true });

    await page.getByTestId('replay-execute').click();
    await page.waitForURL(/\/replays\/[^/]+$/);
    const replayId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await page.locator('[data-testid="replay-status"][data-status="completed"]').waitFor();
    expect(await page.getByTestId('replay-progress').innerText()).toBe('1 / 1');
    await page.screenshot({ path: join(shots, 'replay-done.png'), fullPage: true });

    // The copy in the message browser, with its replay headers.
    await page.getByTestId('replay-messages').click();
    const copy = page.locator(`[data-testid="message-list"] tr[data-replay-id="${replayId}"]`);
    await copy.waitFor();
    expect(await copy.innerText()).toContain(original.orderId);
    await copy.click();
    const detail = page.getByTestId('message-detail');
    expect(await detail.innerText()).toMatch(
      new RegExp(`ce_type\\s+${eventCatalog.OrderPlaced.type.replaceAll('.', '\\.')}`),
    );
    expect(await detail.innerText()).toMatch(new RegExp(`webstore_replay_id\\s+${replayId}`));
    await page.screenshot({ path: join(shots, 'replay-message.png'), fullPage: true });
    const traceHref = await copy.getByTestId('message-trace').getAttribute('href');
    const copyTraceId = traceHref!.split('/').pop()!;
    expect(copyTraceId).not.toBe(original.traceId);

    // webstore_replay_of opens the original message.
    await copy.getByTestId('replay-of').click();
    await page.waitForURL(/\?partition=\d+&offset=\d+$/);
    const source = page.locator('[data-testid="message-list"] tr.selected');
    await source.waitFor();
    expect(await source.innerText()).toContain(original.orderId);
    expect(await source.getAttribute('data-replay-id')).toBeNull();
    expect(await source.getByTestId('message-trace').getAttribute('href')).toBe(
      `/traces/${original.traceId}`,
    );

    // The copy's trace: its root `replay orders` span links to the original trace.
    await waitFor(
      async () => {
        const r = await fetch(`${stack.urls.console}/api/traces/${copyTraceId}`);
        return r.ok && (await r.text()).includes(`"replay ${TOPICS.orders}"`);
      },
      { timeoutMs: 20_000, message: `the replay's root span in trace ${copyTraceId}` },
    );
    await page.goBack();
    await page.waitForURL(/\?from=/);
    await copy.getByTestId('message-trace').click();
    await page.waitForURL(`**/traces/${copyTraceId}`);
    await page.locator(`.span-row[data-span-name="replay ${TOPICS.orders}"]`).click();
    const link = page.getByTestId('span-details').getByTestId('span-link').first();
    expect(await link.getAttribute('href')).toMatch(
      new RegExp(`^/traces/${original.traceId}\\?span=[0-9a-f]{16}$`),
    );
    await page.screenshot({ path: join(shots, 'replay-trace.png'), fullPage: true });
    await link.click();
    await page.waitForURL(`**/traces/${original.traceId}?span=*`);
    await page.getByTestId('trace-meta').waitFor();

    // The audit list has the replay, completed.
    await page.goto(`${stack.urls.console}/replays`);
    const row = page.locator(`[data-testid="replay-list"] tr[data-replay="${replayId}"]`);
    expect(await row.innerText()).toContain('completed');
    await page.close();
  });

  it('shows a refusal as its problem detail', async () => {
    const page = await replaysPage();
    // An empty window previews as 0 records; executing it is refused.
    await plan(page, { topic: TOPICS.orders, from: '30m', key: 'no-such-order' });
    await page.getByTestId('replay-preview').waitFor();
    expect(await page.getByTestId('preview-total').innerText()).toBe('0');
    await page.getByTestId('replay-execute').click();
    const refusal = page.getByTestId('replay-error').getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(
      new RegExp(`no record of ${TOPICS.orders} between .* matches the filters`),
    );
    await page.screenshot({ path: join(shots, 'replay-refused.png'), fullPage: true });
    // `to` before `from` is refused already at the preview.
    await plan(page, { key: '', from: '10m', to: '20m' });
    await page.getByTestId('replay-error').getByText('must be after').waitFor();
    expect(await page.getByTestId('replay-preview').count()).toBe(0);
    await page.close();
  });

  it('lists topics, consumer groups and their lag, and the (empty) dead letters', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(20_000);
    await page.goto(`${stack.urls.console}/kafka/topics`);
    const topic = page.locator(`tr[data-topic="${TOPICS.orders}"]`);
    await topic.waitFor();
    expect(await topic.innerText()).toMatch(/0: 0–\d+/);
    await page.screenshot({ path: join(shots, 'kafka-topics.png'), fullPage: true });
    await page.getByRole('navigation').getByText('Groups').click();
    const group = page.locator('[data-testid="group-list"] tr[data-group="inventory"]');
    await group.waitFor();
    expect(await group.innerText()).toContain(TOPICS.orders);
    await group.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('group-meta').waitFor();
    expect(await page.getByTestId('group-offsets').locator('tbody tr').count()).toBeGreaterThan(0);
    // The member is named by its service.instance.id, and the history shows its join.
    const joined = page.locator('[data-testid="group-history"] tr[data-event="joined"]').first();
    await joined.waitFor();
    const instance = await joined.getAttribute('data-instance');
    expect(instance).toBeTruthy();
    expect(await joined.innerText()).toContain(`owns ${TOPICS.orders}: 0, 1`);
    await page
      .getByRole('table', { name: 'Members' })
      .locator(`tr[data-instance="${instance}"]`)
      .waitFor();
    await page.screenshot({ path: join(shots, 'kafka-group.png'), fullPage: true });
    await page.getByRole('navigation').getByText('Dead letters').click();
    await page.getByText('No dead letters.').waitFor();
    await page.close();
  });
});
