/**
 * The office page tells the office what delivery needs from it (headless Chromium, the real app, the ledger in
 * Redis, the worker delivering to an SMTP sink): before approving, which groups cannot be told and why (and the
 * Approve button waits); after, every notice that was not delivered, under "Needs action". Before, the page said
 * "offers are going to every other group" whatever happened to them.
 */
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { signInAs, testSignIn } from '../helpers/sign-in.js';
import { actors, LABOUR_REQUEST } from './fixtures.js';
import { SmtpSink } from './sinks.js';
import { settled, until, world, type World } from './world.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const signIn = testSignIn();

let smtp: SmtpSink;
let browser: Browser;
let w: World | undefined;
let app: FastifyInstance | undefined;

beforeAll(async () => {
  smtp = await SmtpSink.start();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await smtp?.stop();
});
afterEach(async () => {
  await app?.close();
  await w?.close();
});

async function open(opts: Parameters<typeof world>[0], width = 1280) {
  w = await world(opts);
  app = await buildApp({ service: w.svc, auth: { secret: 'page-delivery-secret-long-enough-0123456789' }, signIn, docs: false });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  await signInAs(context, base, signIn, 'o-murray');
  const page = await context.newPage();
  await page.goto(`${base}/office/`);
  await page.waitForSelector('body[data-loaded="true"]');
  return { page, context };
}

describe('delivery on the office page', () => {
  it('says which groups cannot be told, and why, before the authoriser approves; Approve waits', async () => {
    const { page, context } = await open({ label: 'page-blocked' }, 390);
    await w!.svc.request(actors.labourLeader, LABOUR_REQUEST);
    await page.click('#refresh');
    await page.waitForSelector('article.request .blocked');
    const blocked = await page.locator('article.request .blocked').innerText();
    expect(blocked).toContain('Approval will be refused until every group can be told');
    expect(blocked).toContain('Green Group: Email is not being sent: no notice worker with an SMTP relay (SMTP_URL or SMTP_HOST) is running');
    expect(await page.locator('article.request button.approve').isDisabled()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await context.close();
  });

  it('lists every notice that was not delivered, with the group, the people and the reason', async () => {
    // Email is set up on the worker; Slack is not, though every councillor has a Slack id.
    const { page, context } = await open({ smtp, label: 'page-actions' });
    await w!.svc.request(actors.labourLeader, LABOUR_REQUEST);
    await page.click('#refresh');
    await page.waitForSelector('article.request button.approve:not([disabled])');
    expect(await page.locator('#action-list .empty').textContent()).toContain('Every notice so far was delivered');
    await page.locator('article.request button.approve').click();
    await page.waitForSelector('article.round');
    expect(await page.locator('#status').textContent()).not.toContain('offers are going to every other group');
    const view = (await w!.svc.listRounds(actors.office))[0]!;
    await settled(
      w!,
      view.offers.flatMap((o) => o.noticeIds),
    );
    await until(async () => {
      await page.click('#refresh');
      await page.waitForSelector('body[data-loaded="true"]');
      return (await page.locator('#action-list article.action').count()) === 5;
    }, 'five Slack notices listed');
    expect(await page.locator('#action-count').textContent()).toBe('5');
    const tory = page.locator('#action-list article.action', { hasText: 'Slack to Conservative Group' });
    expect(await tory.innerText()).toContain('offer notice for Cllr Tom Webb, Cllr Imran Khan: Slack is not set up on the notice worker');
    expect(await tory.locator('.badge').textContent()).toBe('not deliverable');
    await context.close();
  });
});
