/**
 * The groups' side, as the people who use it: the offer email's link opens the offer for the person it was sent
 * to, with no token pasted, on a desktop and on a 390 px phone (headless Chromium against the real app, the
 * ledger in Redis, the worker delivering to an SMTP sink), and gives one answer. The independent member is
 * addressed as themselves; an officer's invitation shows names, not ids.
 *
 * Before this, the email said `Reply: …/v1/offers/<id>` and opening it answered 401 "missing bearer token".
 */
import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { zonedInstant } from '../../src/directory/working-days.js';
import { buildApp } from '../../src/http/app.js';
import { formatDeadline, formatWhen } from '../../src/notices/render.js';
import { LinkKeys, signLink, verifyLink } from '../../src/http/offer-links.js';
import { actors, council, LABOUR_REQUEST, SHA } from './fixtures.js';
import { SmtpSink } from './sinks.js';
import { settled, world, type World } from './world.js';

const SECRET = 'links-test-secret-long-enough-0123456789abcdef';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const SCREENSHOTS = new URL('../../docs/screenshots/', import.meta.url);

let smtp: SmtpSink;
let browser: Browser;
let w: World;
let app: FastifyInstance;
let base: string;

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
  smtp.mails.length = 0;
});

/** A world whose notices link to this test's own server. */
async function start(briefings = '') {
  app = undefined as unknown as FastifyInstance;
  const port = await import('../helpers/free-port.js').then((m) => m.freePort());
  base = `http://127.0.0.1:${port}`;
  w = await world({ smtp, label: 'links', publicUrl: base, council: council(briefings) });
  app = await buildApp({ service: w.svc, auth: { secret: SECRET }, answers: w.answers, docs: false });
  await app.listen({ port, host: '127.0.0.1' });
}

async function approvedRound(matter = LABOUR_REQUEST.matter) {
  const req = await w.svc.request(actors.labourLeader, { ...LABOUR_REQUEST, matter });
  const { round } = await w.svc.decide(actors.authoriser, req.id, { decision: 'approve' });
  const view = await w.svc.roundView(round!.id);
  await settled(
    w,
    view.offers.flatMap((o) => o.noticeIds),
  );
  const offer = (party: string) => view.offers.find((o) => o.party.id === party)!;
  return { round: round!, offer };
}

const linkIn = (text: string) => /(http:\/\/127\.0\.0\.1:\d+\/answer\/ol1\.[\w.-]+)/.exec(text)?.[1];

function mailTo(address: string, noticeId: string) {
  const mail = smtp.mails.find((m) => m.notice === noticeId && m.envelopeTo.includes(address));
  expect(mail, `${noticeId} to ${address}`).toBeDefined();
  // Long lines may be wrapped in transit: read the words, not the line breaks.
  return { ...mail!, words: mail!.text.replace(/\s+/g, ' ') };
}

async function phone(): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
}

describe('the answer link in an offer notice', () => {
  it('opens the offer in plain words for the person it was sent to, on a desktop and on a phone, and answers once', async () => {
    await start();
    const { offer } = await approvedRound();
    const tory = offer('conservative');
    const webbMail = mailTo('tom.webb@ashcombe.gov.uk', `${tory.id}-offer-email`);
    expect(webbMail.text).toContain('Dear Cllr Tom Webb,');
    expect(webbMail.words).toContain('If your group would like the briefing');
    // Close of business on the fifth working day, in the council's zone, labelled.
    const deadline = formatDeadline(tory.expiresAt!, 'Europe/London');
    expect(deadline).toMatch(/^18:00 on \w+day,? \d{1,2} \w+ \d{4} \(London time, (GMT|BST)\)$/);
    expect(webbMail.words).toContain(`answer by ${deadline}.`);
    const link = linkIn(webbMail.text)!;
    expect(link).toBeDefined();
    expect(webbMail.text).not.toContain('/v1/offers/');

    // Opened from the email, with nothing pasted and no cookie: the offer, in words.
    const desktop = await browser.newContext();
    const page = await desktop.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    const response = await page.goto(link);
    expect(response!.status()).toBe(200);
    expect(response!.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(response!.headers()['referrer-policy']).toBe('no-referrer');
    expect(await page.locator('h1').textContent()).toBe('A briefing offered to the Conservative Group');
    expect(await page.locator('h2.title').textContent()).toBe(LABOUR_REQUEST.matter);
    const facts = await page.locator('dl.facts').innerText();
    expect(facts).toContain(deadline);
    expect(facts).toMatch(/5 working days left/);
    // Nothing of who asked or why.
    expect(await page.locator('body').innerText()).not.toMatch(/Labour|Hale|Northgate/);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: new URL('offer-answer-desktop.png', SCREENSHOTS).pathname, fullPage: true });

    // On a phone: nothing runs off the side, and the buttons are big enough to press.
    const small = await phone();
    const mobile = await small.newPage();
    await mobile.goto(link);
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const accept = mobile.locator('button[value=accept]');
    const box = (await accept.boundingBox())!;
    expect(box.width).toBeGreaterThan(300);
    expect(box.height).toBeGreaterThanOrEqual(44);
    await mobile.locator('details summary').click();
    await mobile.screenshot({ path: new URL('offer-answer-phone.png', SCREENSHOTS).pathname, fullPage: true });
    // Take it up, with a time that suits (read in the council's time zone).
    const suits = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    await mobile.locator('input[name=time]').first().fill(`${suits}T17:30`);
    await mobile.locator('input[name=note]').fill('Any weekday evening works');
    await Promise.all([mobile.waitForURL(/done=propose/), mobile.locator('button[value=propose]').click()]);
    expect(await mobile.locator('.banner.ok').first().textContent()).toContain('Thank you');
    expect(await mobile.locator('dl.facts').innerText()).toMatch(/Accepted by Cllr Tom Webb/);
    expect(await mobile.locator('form').count()).toBe(0);
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    const stored = (await w.store.reader().get('offer', tory.id))!;
    expect(stored).toMatchObject({
      status: 'accepted',
      respondedBy: 'cllr-webb',
      proposedTimes: [zonedInstant(suits, 17, 'Europe/London', 30).toISOString()],
      answerNote: 'Any weekday evening works',
    });
    const event = (await w.store.auditEvents()).find((e) => e.action === 'offer.accepted' && e.entity.id === tory.id)!;
    expect(event.actor).toBe('cllr-webb');

    // The same link again (a replayed form): refused, in words; the answer stands.
    const again = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'response=decline' });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('already been used to answer');
    expect((await w.store.reader().get('offer', tory.id))!.status).toBe('accepted');

    // The deputy's own link still opens, and shows the group's answer, with no form.
    const khanLink = linkIn(mailTo('imran.khan@ashcombe.gov.uk', `${tory.id}-offer-email`).text)!;
    expect(khanLink).not.toBe(link);
    await page.goto(khanLink);
    expect(await page.locator('dl.facts').innerText()).toMatch(/Accepted by Cllr Tom Webb/);
    expect(await page.locator('form').count()).toBe(0);
    expect(problems).toEqual([]);
    await desktop.close();
    await small.close();
  });

  it('declines from the page, and a refused answer does not use the link up', async () => {
    await start();
    const { offer } = await approvedRound('Bus lanes');
    const green = offer('green');
    const link = linkIn(mailTo('priya.moss@ashcombe.gov.uk', `${green.id}-offer-email`).text)!;
    // An answer the domain refuses (a time in the past) leaves the link usable.
    const refused = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'response=propose&time=2020-01-01T10:00',
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('each time must be in the future');
    const declined = await fetch(link, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'response=decline',
    });
    expect(declined.status).toBe(303);
    expect((await w.store.reader().get('offer', green.id))!).toMatchObject({ status: 'declined', respondedBy: 'cllr-moss' });
  });

  it('works only for its own offer, person and key: altered, foreign, expired and rotated links', async () => {
    await start();
    const { offer } = await approvedRound('Cemetery extension');
    const tory = offer('conservative');
    const link = linkIn(mailTo('tom.webb@ashcombe.gov.uk', `${tory.id}-offer-email`).text)!;
    const token = link.slice(link.lastIndexOf('/') + 1);
    const keys = w.links.keys;
    const claims = (verifyLink(keys, token, Math.floor(Date.now() / 1000)) as { claims: Parameters<typeof signLink>[1] }).claims;
    expect(claims).toMatchObject({ k: 'o', id: tory.id, p: 'conservative', u: 'cllr-webb' });
    expect(claims.exp).toBe(Math.floor(Date.parse(tory.expiresAt!) / 1000));

    const status = async (t: string) => (await fetch(`${base}/answer/${t}`)).status;
    const [, kid, payload, sig] = token.split('.');
    // Another offer's id under this signature, a changed signature, a key nobody holds: 404, saying nothing more.
    const other = Buffer.from(JSON.stringify({ ...claims, id: offer('green').id })).toString('base64url');
    expect(await status(`ol1.${kid}.${other}.${sig}`)).toBe(404);
    expect(await status(`ol1.${kid}.${payload}.${sig!.slice(0, -2)}xx`)).toBe(404);
    expect(await status(`ol1.nokey.${payload}.${sig}`)).toBe(404);
    // A well-signed link naming someone who is not the party's contact (a member of another group): 404.
    expect(await status(signLink(keys, { ...claims, u: 'cllr-doyle' }))).toBe(404);
    // Signed with the older key still listed (a rotation in progress): it works.
    const older = new LinkKeys([keys.keys[1]!, keys.keys[0]!]);
    expect(await status(signLink(older, claims))).toBe(200);
    // Once the offer has closed, the link says so (410), and answers nothing.
    w.clock.set(new Date(Date.parse(tory.expiresAt!) + 1000).toISOString());
    const lapsed = await fetch(link);
    expect(lapsed.status).toBe(410);
    expect(await lapsed.text()).toContain('This offer closed at');
    const late = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'response=accept' });
    expect(late.status).toBe(410);
    expect((await w.store.reader().get('offer', tory.id))!.status).toBe('open');
  });

  it('addresses an independent member as themselves, not as "your group"', async () => {
    await start('  independents: individual\n');
    const { offer } = await approvedRound('Street lighting');
    const grant = offer('ind-cllr-grant');
    const mail = mailTo('peter.grant@ashcombe.gov.uk', `${grant.id}-offer-email`);
    expect(mail.subject).toBe('Briefing offered to Cllr Peter Grant: Street lighting');
    expect(mail.text).toContain('Dear Cllr Peter Grant,');
    expect(mail.words).toContain('If you would like the briefing');
    expect(mail.words).not.toMatch(/your group/i);
    const page = await (await phone()).newPage();
    await page.goto(linkIn(mail.text)!);
    expect(await page.locator('h1').textContent()).toBe('A briefing offered to you');
    expect(await page.locator('.for').textContent()).toBe('For Cllr Peter Grant, as an independent member');
    expect(await page.locator('button[value=accept]').textContent()).toBe('Yes, I would like the briefing');
    expect(await page.locator('body').innerText()).not.toMatch(/your group/i);
    await Promise.all([page.waitForURL(/done=accept/), page.locator('button[value=accept]').click()]);
    expect((await w.store.reader().get('offer', grant.id))!).toMatchObject({ status: 'accepted', respondedBy: 'cllr-grant' });
    await page.context().close();
  });
});

describe("the answer link in an officer's invitation", () => {
  it('shows the title, time, venue, material version and the other officers by name, and takes the answer', async () => {
    await start();
    const { offer } = await approvedRound();
    await w.svc.respondToOffer(actors.toryLeader, offer('conservative').id, 'accept');
    const day = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const [startsAt, endsAt] = [zonedInstant(day, 17, 'Europe/London').toISOString(), zonedInstant(day, 18, 'Europe/London').toISOString()];
    const session = await w.svc.scheduleSession(actors.office, {
      offerId: offer('conservative').id,
      officers: ['o-hughes', 'o-patel'],
      venue: 'Committee Room 2, Civic Centre',
      startsAt,
      endsAt,
      material: { version: 'v1.2', sha256: SHA },
    });
    const invitations = await w.svc.listInvitations(actors.hughes);
    const mine = invitations.find((i) => i.sessionId === session.id)!;
    await settled(w, [`${mine.id}-s0-email`]);
    const mail = mailTo('lisa.hughes@ashcombe.gov.uk', `${mine.id}-s0-email`);
    expect(mail.subject).toBe(`Please brief the Conservative Group: ${LABOUR_REQUEST.matter}`);
    expect(mail.words).toContain('With: Amir Patel');

    const context = await phone();
    const page = await context.newPage();
    await page.goto(linkIn(mail.text)!);
    expect(await page.locator('h1').textContent()).toBe('You are invited to brief the Conservative Group');
    const facts = await page.locator('dl.facts').innerText();
    expect(facts).toContain(`${formatWhen(startsAt, 'Europe/London')} to 18:00 (London time, `);
    expect(facts).toContain('Committee Room 2, Civic Centre');
    expect(facts).toContain('version v1.2');
    expect(facts).toContain('Amir Patel');
    expect(facts).not.toMatch(/o-patel|o-hughes|ss-|iv-/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: new URL('invitation-answer-phone.png', SCREENSHOTS).pathname, fullPage: true });
    await Promise.all([page.waitForURL(/done=accept/), page.locator('button[value=accept]').click()]);
    expect((await w.store.reader().get('invitation', mine.id))!.status).toBe('accepted');
    await context.close();
  });
});
