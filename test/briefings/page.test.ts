/**
 * The chief executive's office page, end to end in headless Chromium (Debian's, through playwright-core) against
 * the real app, the ledger in Redis and a notice worker delivering to an SMTP sink.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { signInAs, testSignIn } from '../helpers/sign-in.js';
import { actors, LABOUR_REQUEST } from './fixtures.js';
import { SlackStub, SmtpSink } from './sinks.js';
import { until, world, type World } from './world.js';

const SECRET = 'page-test-secret-long-enough-0123456789abcdef';
const signIn = testSignIn();
const HOSTILE_MATTER = '<script>window.__pwned = 1</script>Local Plan <b>review</b>';
const HOSTILE_DETAILS = '<img src=x onerror="window.__pwned = 2">Northgate & Southmead';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

let smtp: SmtpSink;
let slack: SlackStub;
let w: World;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let hostileId: string;
let plainId: string;

beforeAll(async () => {
  smtp = await SmtpSink.start();
  slack = await SlackStub.start();
  w = await world({ smtp, slack, label: 'page' });
  app = await buildApp({ service: w.svc, auth: { secret: SECRET }, signIn, docs: false });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  hostileId = (await w.svc.request(actors.labourLeader, { ...LABOUR_REQUEST, matter: HOSTILE_MATTER, details: HOSTILE_DETAILS })).id;
  plainId = (
    await w.svc.request(actors.toryLeader, {
      matter: 'Parking review',
      details: 'Residents parking zones',
      premises: { councilControlled: false, description: 'The Red Lion function room' },
    })
  ).id;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await w?.close();
  await smtp?.stop();
  await slack?.stop();
});

/** Open the page as a signed-in person (their roles come from council.yaml). */
async function openAs(page: Page, personId: string) {
  await signInAs(page.context(), base, signIn, personId);
  await page.goto(`${base}/office/`);
}

describe("the chief executive's office page", () => {
  it('lists requests awaiting decision, showing user text as text, and lets the authoriser approve and decline', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await openAs(page, 'o-murray');
    await page.waitForSelector('body[data-loaded="true"]');

    const hostile = page.locator(`article.request[data-id="${hostileId}"]`);
    expect(await hostile.locator('h3.matter').textContent()).toBe(HOSTILE_MATTER);
    // The details are the group's confidential words: read on request, and the read is recorded.
    expect(await hostile.locator('.details').isVisible()).toBe(false);
    await hostile.locator('button.read-details').click();
    await hostile.locator('.details:not([hidden])').waitFor();
    expect(await hostile.locator('.details').textContent()).toBe(HOSTILE_DETAILS);
    expect((await w.store.auditEvents()).filter((e) => e.action === 'request.read').map((e) => [e.actor, e.entity.id])).toEqual([['o-murray', hostileId]]);
    expect(await page.locator('article.request img, article.request script, article.request b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await hostile.locator('dd').first().textContent()).toBe('Labour Group');
    expect(await page.locator(`article.request[data-id="${plainId}"] .badge`).allTextContents()).toContain('not council premises');

    // Approve: a round opens with an offer to every other group.
    await hostile.locator('button.approve').click();
    await page.waitForSelector('article.round');
    expect(await page.locator('#status').textContent()).toContain('approved');
    const rows = page.locator('article.round tbody tr');
    expect(await rows.count()).toBe(5);
    expect(await page.locator('article.round tr[data-party="labour"] .state').textContent()).toBe('asked for it');
    expect(await page.locator('article.round tr[data-party="green"] .state').textContent()).toBe('no answer yet');
    expect(await page.locator('article.round h3').textContent()).toBe(HOSTILE_MATTER);

    // The notice worker delivers; the page shows each notice's delivery state.
    await until(async () => {
      await page.click('#refresh');
      await page.waitForSelector('body[data-loaded="true"]');
      return (await page.locator('article.round .chip.sent').count()) === 10;
    }, 'all notices shown as sent');
    // One email per person, each with their own answer link: the Conservative leader and deputy get one each.
    expect(smtp.mails).toHaveLength(6);

    // Decline the other with a reason: it stays on the page, declined, with who decided and why.
    const plain = page.locator(`article.request[data-id="${plainId}"]`);
    await plain.locator('select[name=reason]').selectOption('non-council-premises');
    await plain.locator('button.decline').click();
    await page.waitForSelector(`article.request[data-id="${plainId}"][data-status="declined"]`);
    expect(await plain.locator('.decision').textContent()).toMatch(/^Declined by Claire Murray, .* — premises the council does not own or control$/);
    expect(await plain.locator('button.decline').count()).toBe(0);
    // Filtered to what awaits a decision, neither shows.
    await page.selectOption('#filter-status', 'open');
    expect(await page.locator('article.request').count()).toBe(0);
    expect(await page.locator('#requests .empty').textContent()).toBe('No request matches these filters.');
    await page.selectOption('#filter-status', 'declined');
    expect(await page.locator('article.request').count()).toBe(1);

    // The audit trail, in words; the bookkeeping on request.
    const trail = await page.locator('#audit-table tbody').innerText();
    expect(trail).toContain('Claire Murray approved the Labour Group’s request');
    expect(trail).not.toMatch(/request\.created|offer\.made|o-murray/);
    const shortTrail = await page.locator('#audit-table tbody tr').count();
    await page.check('#audit-all');
    expect(await page.locator('#audit-table tbody tr').count()).toBeGreaterThan(Math.max(20, shortTrail));
    // The chain check.
    await page.click('#verify');
    await page.waitForFunction(() => document.querySelector('#verify-result')?.textContent?.startsWith('Intact'));

    // The register as CSV.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toContain('roundId,requestId,title');
    expect(csv).toContain('labour');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('is usable on a phone: no sideways scrolling, tables stacked and labelled', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const page = await context.newPage();
    await openAs(page, 'o-bell');
    await page.waitForSelector('body[data-loaded="true"]');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const cell = page.locator('article.round tbody tr').first().locator('td').first();
    expect(await cell.evaluate((td) => getComputedStyle(td, '::before').content)).toBe('"Group"');
    expect(await page.locator('article.round thead').isVisible()).toBe(false);
    await context.close();
  });

  it("keeps the decision buttons off for the office, signs out, and shows a group leader nothing of the office's", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await w.svc.request(actors.libdemLeader, { matter: 'Street lighting', details: 'LED replacement' });
    await openAs(page, 'o-bell');
    await page.waitForSelector('body[data-loaded="true"]');
    const approveButtons = page.locator('article.request button.approve');
    expect(await approveButtons.count()).toBeGreaterThan(0);
    expect(await approveButtons.evaluateAll((buttons) => buttons.every((b) => (b as HTMLButtonElement).disabled))).toBe(true);
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in:not([hidden])');
    await openAs(page, 'cllr-webb');
    await page.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-kind') === 'error');
    expect(await page.locator('#status').textContent()).toContain('needs one of');
    expect(await page.locator('article.round').count()).toBe(0);
    await context.close();
  });
});
