/**
 * The dashboard in real Chromium against the local stack as `npm start` runs it: an order placed
 * through the API appears live (WebSocket notifier), its stream is time-travelled with the as-of
 * slider, a dead letter is redriven, a projection rebuilt, a trace opened and the clouds view shows
 * the aws/gcp/azure plans side by side. Screenshots go to test-artifacts/dashboard/; with
 * UPDATE_DOCS_SCREENSHOT=1 the live view is also copied to docs/images/dashboard.png (the README's).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumPath, launch } from './browser';
import { PLACE_ORDER, startApp, type Started } from './helpers';

const ARTIFACTS = join('test-artifacts', 'dashboard');
const TESTS = 'dashboard e2e (live events, time travel, DLQ redrive, projections, traces, clouds)';

describe('dashboard in Chromium', function () {
  this.timeout(240_000);
  let s: Started;
  let browser: Awaited<ReturnType<typeof launch>> | undefined;
  let page: Page;

  before(async function () {
    const executable = chromiumPath();
    if (!executable) {
      console.warn(`\n*** SKIPPED: Chromium not found at /usr/bin/chromium (apt-get install -y chromium): ${TESTS} not run ***\n`);
      this.skip();
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    s = await startApp();
    browser = await launch(executable);
    page = await browser.context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  const shot = async (name: string): Promise<string> => {
    const file = join(ARTIFACTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: false });
    return file;
  };
  const api = async (method: string, path: string, body?: unknown): Promise<void> => {
    const r = await s.call(method, path, body);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
  };

  it('signs in with the dev token from ?token= and connects the live socket', async () => {
    await page.goto(`${s.local.url}/?token=${s.local.devToken}`);
    await page.locator('#ws-status.on').waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('#tenant').textContent(), 'tenant dev');
    assert.ok(!page.url().includes('token='), 'the token is moved to sessionStorage, out of the address bar');
  });

  it('shows an order placed through the API appear live', async () => {
    await api('POST', '/commands/Inventory/BOOK-1', { type: 'Restock', payload: { quantity: 10 } });
    await api('POST', '/commands/Order/e2e-1', PLACE_ORDER);
    await api('POST', '/commands/Order/e2e-1', { type: 'ConfirmPayment', payload: { paymentId: 'pay-1', amountCents: 1500 } });
    const row = page.locator('#live-events tr', { hasText: 'Order-e2e-1' }).filter({ hasText: 'PaymentConfirmed' });
    await row.waitFor({ timeout: 10_000 });
    await page.locator('#live-notes li', { hasText: 'projection:orderSummary' }).first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(1700); // let the arrival highlight fade for the screenshot
    const live = await shot('01-live');
    // The README's screenshot is refreshed on demand only, so test runs leave the checkout clean.
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') copyFileSync(live, join('docs', 'images', 'dashboard.png'));
  });

  it('time-travels the order stream with the as-of slider', async () => {
    await page.locator('#live-events a', { hasText: 'Order-e2e-1' }).first().click();
    const slider = page.locator('#asof');
    await slider.waitFor();
    const max = Number(await slider.getAttribute('max'));
    assert.ok(max >= 2, `stream Order-e2e-1 has ${max} events`);
    await page.locator('#asof-label', { hasText: `${max} / ${max}` }).waitFor();
    const now = await page.locator('#asof-state').textContent();
    assert.match(now ?? '', /pay-1/);
    await slider.fill('1');
    await page.locator('#asof-label', { hasText: `1 / ${max}` }).waitFor();
    await page.waitForFunction(() => !(document.querySelector('#asof-state')?.textContent ?? '').includes('pay-1'));
    const then = await page.locator('#asof-state').textContent();
    assert.notEqual(then, now, 'the state as of version 1 differs from the current state');
    assert.match(then ?? '', /c-1/);
    await shot('02-time-travel');
  });

  it('redrives a dead letter', async () => {
    // A poison envelope (no stream version): every consumer group of OrderPlaced dead-letters it at once.
    await s.local.runtime.bus.publish([{
      id: 'poison-1', partitionKey: 'dev:Order-poison', path: 'core',
      envelope: { specversion: '1.0', id: 'poison-1', source: 'nexus://e2e', type: 'OrderPlaced', subject: 'dev:Order-poison', tenant: 'dev', data: {} },
    }]);
    await page.locator('#tabs button[data-view="dlq"]').click();
    const redrive = page.locator('#dlq-table button[data-redrive]').first();
    for (let i = 0; i < 50 && (await redrive.count()) === 0; i++) {
      await page.waitForTimeout(200);
      await page.evaluate(() => window.dispatchEvent(new HashChangeEvent('hashchange')));
    }
    await redrive.waitFor({ timeout: 5_000 });
    await shot('03-dlq');
    await redrive.click();
    await page.locator('#dlq-result', { hasText: 'Redriven: 1' }).waitFor({ timeout: 10_000 });
  });

  it('rebuilds a projection from the projections view', async () => {
    await page.locator('#tabs button[data-view="projections"]').click();
    await page.locator('button[data-rebuild="orderSummary"]').click();
    await page.locator('#rebuild-result', { hasText: 'Rebuilt orderSummary' }).waitFor({ timeout: 20_000 });
    await shot('04-projections');
  });

  it('shows saga timelines, schemas and a command trace', async () => {
    await page.locator('#tabs button[data-view="sagas"]').click();
    await page.locator('a[data-saga="OrderFulfilment-e2e-1"]').click();
    await page.locator('#saga-timeline li').first().waitFor();
    await shot('05-sagas');
    await page.locator('#tabs button[data-view="schemas"]').click();
    await page.locator('a[data-subject="OrderPlaced"]').first().click();
    await page.locator('#schema-title', { hasText: 'OrderPlaced v' }).waitFor();
    await shot('06-schemas');
    await page.locator('#tabs button[data-view="traces"]').click();
    await page.locator('a[data-trace]', { hasText: 'command Order.PlaceOrder' }).first().click();
    await page.locator('#trace-body .span', { hasText: 'projection orderSummary' }).first().waitFor();
    await shot('07-trace');
  });

  it('shows nexus plan for aws, gcp and azure side by side', async () => {
    await page.locator('#tabs button[data-view="clouds"]').click();
    for (const cloud of ['aws', 'gcp', 'azure']) await page.locator(`[data-cloud="${cloud}"] svg`).waitFor({ timeout: 200_000 });
    const cards = await page.locator('[data-cloud]').count();
    assert.equal(cards, 3);
    assert.match((await page.locator('[data-cloud="aws"]').textContent()) ?? '', /resources[\s\S]*est\. per month/);
    await shot('08-clouds');
    await page.screenshot({ path: join(ARTIFACTS, '08-clouds-full.png'), fullPage: true });
  });
});
