// Browser checks the store's end-to-end tests share: axe-core on a page, nothing wider than a
// phone's screen, the lazily loaded telemetry running, and a payment seed for a wanted outcome.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { decidePayment } from '@webstore/payment';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The first payment seed that gives `outcome` in `country`. */
export const seedFor = (country: string, outcome: 'authorized' | 'declined') => {
  for (let s = 0; ; s++)
    if (decidePayment({ orderId: 'x', country, paymentSeed: s }, 0).outcome === outcome) return s;
};

/** The page's serious and critical accessibility violations (axe-core), as readable lines. */
export async function checkA11y(page: Page, name: string) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: () => Promise<{
            violations: {
              id: string;
              impact: string;
              help: string;
              nodes: { target: string[] }[];
            }[];
          }>;
        };
      }
    ).axe;
    const { violations } = await axe.run();
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
      );
  });
  expect(violations, `axe on the ${name} page`).toEqual([]);
}

/** The browser SDK is loaded (lazily, after first paint) and exporting. */
export const telemetryOn = (page: Page) =>
  page.waitForFunction(() => document.documentElement.dataset.telemetry === 'on', undefined, {
    timeout: 10_000,
  });

/** The page fits a phone's width: nothing scrolls sideways. */
export async function fitsWidth(page: Page, name: string) {
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
      .slice(0, 5)
      .map(
        (e) => `${e.tagName.toLowerCase()}.${e.className} (${e.getBoundingClientRect().right}px)`,
      ),
  );
  expect(wide, `nothing on the ${name} page is wider than the screen`).toEqual([]);
}
