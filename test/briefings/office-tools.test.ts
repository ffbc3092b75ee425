/**
 * The office page's own tools and its "needs action" list, in headless Chromium on a 390 px phone whose clock is
 * in Auckland (the council is in London): an SMTP outage in words, an officer's refused same-matter decline with
 * their reason and marking it as dealt with, late offers to a group formed mid-round, a withdrawal, and times shown
 * in the council's zone.
 * The ledger is in Redis; the notice worker sends to an SMTP port where nothing listens.
 */
import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, localDate, zonedInstant } from '../../src/directory/working-days.js';
import { MemoryStore } from '../../src/briefings/memory-store.js';
import { BriefingService } from '../../src/briefings/service.js';
import { buildApp } from '../../src/http/app.js';
import { freePort } from '../helpers/free-port.js';
import { signInAs, testSignIn } from '../helpers/sign-in.js';
import { actors, clock, council, ids, LABOUR_REQUEST, SHA } from './fixtures.js';
import { settled, until, world, type World } from './world.js';

const SCREENSHOTS = new URL('../../docs/screenshots/', import.meta.url);
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const signIn = testSignIn();
const ALLIANCE = {
  people:
    '  - { id: cllr-a, name: Cllr Ann Ash, email: ann.ash@ashcombe.gov.uk, role: councillor, group: alliance, groupRole: leader }\n  - { id: cllr-b, name: Cllr Bob Birch, role: councillor, group: alliance }\n',
  group: '  - { id: alliance, name: Independent Alliance }\n',
};

let w: World;
let app: FastifyInstance;
let base = '';
let browser: Browser;
let page: Page;
let roundId = '';

beforeAll(async () => {
  // Nothing listens on this port: every email fails, as in an outage of the council's relay.
  w = await world({ smtp: { port: await freePort() }, label: 'office-tools', attempts: 1 });
  app = await buildApp({ service: w.svc, auth: { secret: 'office-tools-secret-0123456789abcdefghijkl' }, signIn, docs: false });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });

  const today = localDate(new Date(), 'Europe/London');
  const req = await w.svc.request(actors.office, {
    ...LABOUR_REQUEST,
    requestedBy: 'cllr-hale',
    // Yesterday at 08:05 London: always in the past (today's 08:05 is still to come when the test runs after midnight).
    received: { at: zonedInstant(addCalendarDays(today, -1), 8, 'Europe/London', 5).toISOString(), via: 'letter' },
  });
  const { round } = await w.svc.decide(actors.authoriser, req.id, { decision: 'approve' });
  roundId = round!.id;
  const view = await w.svc.roundView(roundId);
  await settled(
    w,
    view.offers.flatMap((o) => o.noticeIds),
  );
  const offer = (party: string) => view.offers.find((o) => o.party.id === party)!;
  await w.svc.respondToOffer(actors.toryLeader, offer('conservative').id, 'accept');
  // A week today at 18:00 London: a fixed hour, so the session never runs past midnight whatever time the test runs
  // (started at the moment of the run, one begun after 23:00 ended the next day and the change form refused it).
  // The Conservative session runs past midnight (23:30 to 00:30), which the change form must keep on the next day.
  const starts = {
    labour: zonedInstant(addCalendarDays(today, 7), 18, 'Europe/London'),
    conservative: zonedInstant(addCalendarDays(today, 7), 23, 'Europe/London', 30),
  };
  for (const party of ['labour', 'conservative'] as const) {
    const start = starts[party];
    await w.svc.scheduleSession(actors.office, {
      offerId: offer(party).id,
      officers: ['o-hughes'],
      venue: 'Committee Room 2',
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
      material: { version: 'v1', sha256: SHA },
    });
  }
  const invitations = await w.svc.listInvitations(actors.hughes);
  await w.svc.respondToInvitation(actors.hughes, invitations.find((i) => i.party === 'labour')!.id, 'accept');
  await w.svc
    .respondToInvitation(actors.hughes, invitations.find((i) => i.party === 'conservative')!.id, 'decline', 'I am on leave that week')
    .catch(() => undefined);
  await w.svc.request(actors.libdemLeader, { matter: 'Street lighting', details: 'LED replacement' });

  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    timezoneId: 'Pacific/Auckland',
  });
  await signInAs(context, base, signIn, 'o-bell');
  page = await context.newPage();
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${base}/office/`);
  await page.waitForSelector('body[data-loaded="true"]');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await w?.close();
});

async function reload() {
  await page.evaluate(() => delete document.body.dataset.loaded);
  await page.click('#refresh');
  await page.waitForSelector('body[data-loaded="true"]');
}

describe('the office page on a phone in another time zone', () => {
  it('shows the latest 300 events of the audit trail, and earlier ones on request', async () => {
    const [labour] = await w.svc.listRequests(actors.office, ['approved']);
    for (let i = 0; i < 300; i++) await w.svc.getRequest(actors.mo, labour!.id);
    await reload();
    const head = await w.store.head();
    expect(await page.locator('#audit-shown').textContent()).toBe(`Events ${head.seq - 299} to ${head.seq}, bookkeeping hidden.`);
    expect(await page.locator('#audit-table tbody').innerText()).toContain(
      `Rajinder Singh read the confidential details of the Labour Group’s request “${LABOUR_REQUEST.matter}”`,
    );
    expect(await page.locator('#audit-table tbody').innerText()).not.toContain('Sarah Bell recorded a written request');
    await page.click('#audit-earlier');
    await page.waitForFunction(() => document.querySelector('#audit-shown')?.textContent?.startsWith('Events 1 to'));
    expect(await page.locator('#audit-earlier').isHidden()).toBe(true);
    expect(await page.locator('#audit-table tbody').innerText()).toContain(
      'Sarah Bell recorded a written request from Cllr Ruth Hale for the Labour Group (received by letter',
    );
  });

  it("lists an SMTP outage and a refused same-matter decline as needs action, in words, with the officer's reason", async () => {
    const refusal = page.locator('#action-list article.refusal');
    expect(await refusal.locator('h3').textContent()).toMatch(
      /^Lisa Hughes declined the Conservative invitation — refused: same matter as Labour’s, accepted \d{1,2} \w{3}$/,
    );
    expect(await refusal.innerText()).toContain('The officer’s reason: “I am on leave that week”.');
    expect(await refusal.innerText()).toContain('the chief executive has been told');

    const outage = page.locator('#action-list article.action[data-notice$="-offer-email"]', { hasText: 'Email to Conservative Group' });
    const text = await outage.innerText();
    expect(text).toMatch(
      /offer notice for Cllr Tom Webb, Cllr Imran Khan: the council's mail server (could not be reached|refused the connection \(is it running\?\)) \(SMTP E[A-Z]+\)\./,
    );
    // The code stays for IT, but never alone.
    expect(await page.locator('#action-list').innerText()).not.toMatch(/:\s*SMTP E[A-Z]+/);
    // An officer's invitation is listed as the officer's.
    expect(await page.locator('#action-list article.action[data-notice^="iv-"][data-notice$="-email"] h3').first().textContent()).toBe('Email to Lisa Hughes');
    expect(await page.locator('#action-list article.action[data-notice^="iv-"][data-notice$="-email"] p').first().textContent()).toMatch(
      /^invitation to brief Conservative Group: the council's mail server/,
    );
    // The round's notices say the same.
    expect(await page.locator('article.round tr[data-party="conservative"] .chip.failed').first().textContent()).toMatch(
      /NOT SENT — the council's mail server/,
    );
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.locator('#needs-action').evaluate((e) => e.scrollIntoView());
    await page.screenshot({ path: new URL('office-needs-action-phone.png', SCREENSHOTS).pathname });
  });

  it('marks the refused decline as dealt with, with a one-line note: it leaves needs action and the audit trail says so', async () => {
    const refusal = page.locator('#action-list article.refusal');
    const invitationId = (await refusal.getAttribute('data-invitation'))!;
    await refusal.locator('details.dealt-with summary').click();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // A note of spaces is no note: the page says so and nothing is recorded.
    await refusal.locator('input[name=note]').fill('   ');
    await refusal.locator('form.dealt-with button[type=submit]').click();
    expect(await page.locator('#status').textContent()).toBe('Say in one line how the refused decline was dealt with.');
    expect((await w.store.reader().get('invitation', invitationId))!.refusal!.dealtWith).toBeUndefined();

    await refusal.locator('input[name=note]').fill('Spoke to Lisa: she will brief both groups');
    await refusal.locator('form.dealt-with button[type=submit]').click();
    await page.waitForFunction(() => document.body.dataset.loaded === 'true' && !document.querySelector('#action-list article.refusal'));
    expect(await page.locator('#status').textContent()).toBe('Lisa Hughes’s refused decline is marked as dealt with; the audit trail keeps your note.');
    expect(await page.locator('#audit-table tbody').innerText()).toContain(
      'Sarah Bell marked the refused decline as dealt with: “Spoke to Lisa: she will brief both groups” (Lisa Hughes, the Conservative invitation)',
    );
    expect(await page.locator('article.round tr[data-party="conservative"] .sessions li').first().innerText()).toContain(
      'Lisa Hughes (tried to decline: refused, same matter; dealt with)',
    );
    expect((await w.store.reader().get('invitation', invitationId))!.refusal!.dealtWith).toMatchObject({
      by: 'o-bell',
      note: 'Spoke to Lisa: she will brief both groups',
    });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  it("shows times in the council's zone, labelled, whatever the browser's zone", async () => {
    expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('Pacific/Auckland');
    expect(await page.locator('.top .sub').textContent()).toMatch(/times in London time, (GMT|BST)$/);
    const labour = page.locator('article.request', { hasText: LABOUR_REQUEST.matter });
    expect(await labour.locator('dl.facts').innerText()).toMatch(/by letter, \d{1,2} \w{3} \d{4}, 08:05; recorded by Sarah Bell/);
    expect(await page.locator('article.round tr[data-party="green"] td.due').innerText()).toMatch(
      /^5 working days left \(reminder \w{3} \d{1,2} \w{3}\)\s+closes 18:00 \w{3} \d{1,2} \w{3} \(London time, (GMT|BST)\)$/,
    );
  });

  it('makes late offers to a group formed mid-round, from the page', async () => {
    await page.locator('article.round button.late-offers').click();
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('no late offer needed'));
    w.svc.setCouncil(council('', ALLIANCE.people, ALLIANCE.group));
    await page.locator('article.round button.late-offers').click();
    await page.waitForSelector('article.round tr[data-party="alliance"]');
    expect(await page.locator('#status').textContent()).toBe('Late offers made to Independent Alliance.');
    expect(await page.locator('article.round tr[data-party="alliance"] .tag').textContent()).toBe('late offer');
    expect((await w.svc.roundView(roundId)).offers.find((o) => o.party.id === 'alliance')).toMatchObject({ kind: 'late', status: 'open' });
  });

  it('changes a session and cancels it from the page', async () => {
    const li = page.locator('article.round tr[data-party="labour"] .sessions li').first();
    await li.locator('details.tool summary').click();
    await li.locator('input[name=venue]').fill('Council Chamber');
    await li.locator('form.change-session button[type=submit]').click();
    await page.waitForFunction(() => document.querySelector('article.round tr[data-party="labour"] .sessions li')?.textContent?.includes('Council Chamber'));
    expect(await page.locator('#status').textContent()).toBe('Labour Group’s session is changed; the group and the officers are sent the new version.');
    const sessionId = (await li.getAttribute('data-session'))!;
    expect((await w.store.reader().get('session', sessionId))!).toMatchObject({ venue: 'Council Chamber', sequence: 1, status: 'scheduled' });

    await li.locator('details.tool summary').click();
    await li.locator('button.cancel-session').click();
    await page.waitForSelector(`article.round li[data-session="${sessionId}"].cancelled`);
    expect(await page.locator(`li[data-session="${sessionId}"] strong`).textContent()).toMatch(/^Cancelled: /);
    expect((await w.store.reader().get('session', sessionId))!.status).toBe('cancelled');
    const trail = await page.locator('#audit-table tbody').innerText();
    expect(trail).toMatch(/Sarah Bell changed the Labour Group’s session: now .*, Council Chamber, material version v1/);
    expect(trail).toMatch(/Sarah Bell cancelled the Labour Group’s session of /);
  });

  it('changes a session that runs past midnight, keeping its end on the next day', async () => {
    const li = page.locator('article.round tr[data-party="conservative"] .sessions li').first();
    const sessionId = (await li.getAttribute('data-session'))!;
    const before = (await w.store.reader().get('session', sessionId))!;
    await li.locator('details.tool summary').click();
    await li.locator('input[name=venue]').fill('Members Room');
    await li.locator('form.change-session button[type=submit]').click();
    await page.waitForFunction(() => document.querySelector('article.round tr[data-party="conservative"] .sessions li')?.textContent?.includes('Members Room'));
    const after = (await w.store.reader().get('session', sessionId))!;
    expect(after).toMatchObject({ venue: 'Members Room', startsAt: before.startsAt, endsAt: before.endsAt });
    expect(Date.parse(after.endsAt) - Date.parse(after.startsAt)).toBe(3_600_000);
  });

  it('defers a request until a date, with a note (the authoriser)', async () => {
    const req = await w.svc.request(actors.greenLeader, { matter: 'Bus lanes', details: 'The Riverside scheme' });
    await signInAs(page.context(), base, signIn, 'o-murray');
    await page.goto(`${base}/office/`);
    await page.waitForSelector('body[data-loaded="true"]');
    const card = page.locator(`article.request[data-id="${req.id}"]`);
    await card.locator('input[name=note]').fill('after the budget meeting');
    await card.locator('input[name=until]').fill('2027-01-15');
    await card.locator('button.defer').click();
    await page.waitForSelector(`article.request[data-id="${req.id}"][data-status="deferred"] .decision`);
    expect(await card.locator('.decision').textContent()).toMatch(/^Deferred by Claire Murray, .* until 2027-01-15 \(“after the budget meeting”\)$/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  it('withdraws a request from the page; it stays listed, withdrawn', async () => {
    await signInAs(page.context(), base, signIn, 'o-bell');
    await page.goto(`${base}/office/`);
    await page.waitForSelector('body[data-loaded="true"]');
    const card = page.locator('article.request', { hasText: 'Street lighting' });
    await card.locator('button.withdraw').click();
    await page.waitForSelector('article.request[data-status="withdrawn"]');
    expect(await page.locator('#status').textContent()).toBe('“Street lighting” withdrawn; other groups keep their offers.');
    expect(await page.locator('article.request[data-status="withdrawn"] .badge').first().textContent()).toBe('withdrawn');
    await until(async () => {
      await reload();
      return (await page.locator('#audit-table tbody').innerText()).includes('Sarah Bell withdrew the Liberal Democrat Group’s request “Street lighting”');
    }, 'withdrawal in the audit trail');
  });
});

describe('many rounds', () => {
  it('shows the ten newest rounds, and older ones on request', async () => {
    const svc = new BriefingService({ council: council(), store: new MemoryStore(), clock: clock(new Date().toISOString()), newId: ids('many') });
    for (let i = 1; i <= 11; i++) {
      const req = await svc.request(actors.labourLeader, { matter: `Matter number ${i}`, details: 'Details' });
      await svc.decide(actors.authoriser, req.id, { decision: 'approve' });
    }
    const many = await buildApp({ service: svc, auth: { secret: 'office-tools-secret-0123456789abcdefghijkl' }, signIn, docs: false });
    const url = await many.listen({ port: 0, host: '127.0.0.1' });
    const context = await browser.newContext();
    await signInAs(context, url, signIn, 'o-bell');
    const p = await context.newPage();
    await p.goto(`${url}/office/`);
    await p.waitForSelector('body[data-loaded="true"]');
    expect(await p.locator('article.round').count()).toBe(10);
    expect(await p.locator('article.round h3').first().textContent()).toBe('Matter number 11');
    expect(await p.locator('#rounds-count').textContent()).toBe('10+');
    await p.click('#older-rounds');
    await p.waitForFunction(() => document.querySelectorAll('article.round').length === 11);
    expect(await p.locator('article.round h3').last().textContent()).toBe('Matter number 1');
    expect(await p.locator('#older-rounds').isHidden()).toBe(true);
    expect(await p.locator('#rounds-count').textContent()).toBe('11');
    await context.close();
    await many.close();
  });
});
