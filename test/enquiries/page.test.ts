/**
 * The enquiry page in headless Chromium (Debian's, through playwright-core) against the real app and Redis, signed
 * in with cookie sessions as the office page is: member services, a councillor and an officer, each at desktop
 * and phone widths. PROBITY_SCREENSHOTS=1 writes the pictures in docs/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deletePrefix, sharedRedis, uniquePrefix } from '../briefings/redis-helpers.js';
import { signInAs } from '../helpers/sign-in.js';
import { enquiryApp } from './app.js';
import { email } from './world.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const SHOTS = process.env.PROBITY_SCREENSHOTS === '1' ? 'docs/screenshots' : join(tmpdir(), 'probity-enquiry-shots');
const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
const HOSTILE = '<img src=x onerror="window.__pwned=1">Bins & <b>bags</b>';

let redis: Redis;
const prefix = uniquePrefix('enq-page');
let r: Awaited<ReturnType<typeof enquiryApp>>;
let base: string;
let browser: Browser;

/** A year of enquiries across services and months, acknowledged and answered after varying times. */
async function seed() {
  const people: [string, string, string][] = [
    ['megan.price@ashcombe.gov.uk', 'kasia.nowak@ashcombe.gov.uk', 'Damp and mould - 22 Riverside Terrace'],
    ['tom.webb@ashcombe.gov.uk', 'claire.murray@ashcombe.gov.uk', 'Hillcrest bins - again'],
    ['alan.field@ashcombe.gov.uk', 'jamie.reid@ashcombe.gov.uk', 'Barking dog, Priory Close'],
    ['fiona.doyle@ashcombe.gov.uk', 'amir.patel@ashcombe.gov.uk', 'Application 26/00412/FUL - consultation'],
    ['priya.moss@ashcombe.gov.uk', 'claire.murray@ashcombe.gov.uk', 'Wildflower verges - cutting dates'],
  ];
  let n = 0;
  for (let month = 0; month < 6; month++) {
    for (const [k, [from, to, subject]] of people.entries()) {
      const received = new Date(Date.UTC(2025, 10 + month, 3 + k * 2, 9, 30));
      r.clock.now = received;
      const e = (await r.service.intake(email({ from, to: [to], subject, receivedAt: received, text: 'Could you let me know where this has got to?' })))
        .enquiry!;
      r.clock.now = new Date(received.getTime() + (6 + ((n * 7) % 30)) * 3_600_000);
      await r.service.acknowledge(e.id, 'o-nowak');
      r.clock.now = new Date(received.getTime() + (48 + ((n * 13) % 120)) * 3_600_000);
      await r.service.markAnswered(e.id, 'o-nowak');
      n++;
    }
  }
  r.clock.now = new Date('2026-04-09T10:00:00+01:00');
  // Open ones now: one overdue, one on time, one held, one from the mailbox, one with a hostile subject.
  await r.service.intake(email({ receivedAt: new Date('2026-04-02T09:30:00+01:00'), text: 'Kasia, could you find out when the surveyor can visit?' }));
  const held = (
    await r.service.intake(
      email({
        from: 'janet.lowe@ashcombe.gov.uk',
        subject: 'Jubilee House lift',
        receivedAt: new Date('2026-03-25T11:00:00Z'),
        text: 'Kasia, when will the lift be fixed?',
      }),
    )
  ).enquiry!;
  await r.service.acknowledge(held.id, 'o-nowak');
  await r.service.holding(held.id, 'o-nowak', '2026-04-24', { reason: true, action: true });
  await r.service.intake(
    email({
      from: 'tom.webb@ashcombe.gov.uk',
      to: ['claire.murray@ashcombe.gov.uk'],
      subject: HOSTILE,
      receivedAt: new Date('2026-04-08T16:00:00+01:00'),
      text: 'Claire, could the crews be reminded about Beacon Rise?',
    }),
  );
  await r.service.intake(
    email({
      from: 'megan.price@ashcombe.gov.uk',
      to: ['member.enquiries@ashcombe.gov.uk'],
      subject: 'Bus shelter, Ferry Lane',
      receivedAt: new Date('2026-04-09T08:15:00+01:00'),
      text: 'Please can someone repair the bus shelter roof?',
    }),
  );
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  redis = sharedRedis();
  r = await enquiryApp(redis, `${prefix}:data`);
  await seed();
  base = await r.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await r?.app.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

async function openAs(personId: string, size: keyof typeof WIDTHS): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: WIDTHS[size] });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && !/401|403/.test(m.text()) && problems.push(m.text()));
  await signInAs(context, base, r.signIn, personId);
  await page.goto(`${base}/enquiries/`);
  return { page, problems };
}

async function fitsWidth(page: Page, width: number) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

describe('the enquiry page', () => {
  for (const size of ['desktop', 'phone'] as const) {
    it(`member services (${size}): counts by service, officer and ward, the medians chart, overdue, CSV`, async () => {
      const { page, problems } = await openAs('o-carter', size);
      await page.waitForSelector('#services:not([hidden]) #chart svg');
      expect(await page.textContent('#open-n')).toBe('4');
      expect(await page.textContent('#overdue-n')).toBe('1');
      expect(await page.locator('#by-service tbody tr').count()).toBeGreaterThanOrEqual(3);
      expect(await page.locator('#chart polyline').count()).toBeGreaterThanOrEqual(3);
      expect(await page.locator('#on-time tbody tr').count()).toBeGreaterThanOrEqual(3);
      expect(await page.textContent('#on-time')).toMatch(/\d+% \(\d+\/\d+\)/);
      expect(await page.textContent('#overdue-list')).toContain('Damp and mould - 22 Riverside Terrace');
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      await fitsWidth(page, WIDTHS[size].width);
      await page.screenshot({ path: join(SHOTS, `enquiries-services-${size}.png`), fullPage: true });
      expect(problems).toEqual([]);
      await page.context().close();
    });

    it(`a councillor (${size}): their own enquiries, each step, and closing a wrong one`, async () => {
      const { page, problems } = await openAs('cllr-price', size);
      await page.waitForSelector('#mine:not([hidden]) .item');
      const text = await page.textContent('#mine-list');
      expect(text).toContain('Awaiting acknowledgement: acknowledgement due Wed 8 Apr 2026 (overdue)');
      expect(text).toContain('Bus shelter, Ferry Lane');
      expect(await page.isHidden('#services')).toBe(true);
      await fitsWidth(page, WIDTHS[size].width);
      await page.screenshot({ path: join(SHOTS, `enquiries-councillor-${size}.png`), fullPage: true });
      expect(problems).toEqual([]);
      await page.context().close();
    });

    it(`an officer (${size}): what is due from them, with a holding reply recorded`, async () => {
      const { page, problems } = await openAs('o-nowak', size);
      await page.waitForSelector('#due:not([hidden]) .item');
      const text = await page.textContent('#due-list');
      expect(text).toContain('Jubilee House lift');
      expect(text).toContain('answer promised by Fri 24 Apr 2026');
      await fitsWidth(page, WIDTHS[size].width);
      await page.screenshot({ path: join(SHOTS, `enquiries-officer-${size}.png`), fullPage: true });
      expect(problems).toEqual([]);
      await page.context().close();
    });
  }

  it('acknowledges in one click as the officer, and the councillor sees it', async () => {
    const { page } = await openAs('o-nowak', 'desktop');
    const item = page.locator('#due-list .item', { hasText: 'Damp and mould' });
    await item.getByRole('button', { name: 'Acknowledge' }).click();
    await page.waitForSelector('#status:has-text("Acknowledged.")');
    await page.context().close();
    const councillor = await openAs('cllr-price', 'phone');
    await councillor.page.waitForSelector('#mine .item');
    expect(await councillor.page.textContent('#mine-list')).toMatch(/Acknowledged: answer due Mon 20 Apr 2026/);
    await councillor.page.locator('#mine-list .item', { hasText: 'Bus shelter' }).getByRole('button', { name: 'Not an enquiry' }).click();
    await councillor.page.waitForSelector('#mine-list:has-text("Closed: not an enquiry")');
    await councillor.page.context().close();
  });
});
