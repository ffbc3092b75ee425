/**
 * Issue 10's "Done when", end to end, as the people who use it would, on real parts only: the API and the notice
 * worker as real processes (workers/api.ts, workers/notices.worker.ts), their own Redis with AOF (no "this is a
 * test" escape), an SMTP sink, a Slack API stub, an OpenID Connect provider (oidc-provider) on loopback, and
 * Debian's Chromium.
 *
 * The chief executive records a written request that Labour's leader sent by email; she is also an authoriser,
 * and the page will not let her decide what she recorded; the Director of Place approves it on the page. Every
 * other group's leader gets an email whose link opens that group's page with no token pasted, and answers it on a
 * 390 px phone. The office schedules the sessions and invites officers from the page, sends a follow-up that reaches
 * every group that took the briefing up (and no other), and the register and the audit trail say all of it in words.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, localDate } from '../../src/directory/working-days.js';
import { freePort } from '../helpers/free-port.js';
import { signInAtProvider, startIdp, type TestIdp } from '../helpers/idp.js';
import { TEST_LEDGER_KEY } from '../helpers/ledger-env.js';
import { exampleYaml } from './fixtures.js';
import { OwnRedis } from './redis-helpers.js';
import { SlackStub, SmtpSink } from './sinks.js';
import { until } from './world.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOTS = new URL('../../docs/screenshots/', import.meta.url);
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const CLIENT = { id: 'probity', secret: 'e2e-test-client-secret-0123456789abcdef' };
const MATTER = 'Local Plan review: housing site allocations';
const DETAILS = 'We want to test the Northgate allocation before our group meeting decides its line on the vote.';
const MATERIAL = 'Local Plan briefing pack, version 1.2: sites, yields and the timetable.\n';
const MATERIAL_SHA = createHash('sha256').update(MATERIAL).digest('hex');
const FOLLOW_UP = 'The Northgate site yield in the pack is 240 homes; the revised figure after the flood-risk review is 215.';

let redis: OwnRedis;
let smtp: SmtpSink;
let slack: SlackStub;
let idp: TestIdp;
let browser: Browser;
let base = '';
const children: { name: string; child: ChildProcess; output: string[] }[] = [];

function startProcess(name: string, script: string, env: Record<string, string>) {
  const output: string[] = [];
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c: Buffer) => output.push(c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => output.push(c.toString('utf8')));
  children.push({ name, child, output });
  return child;
}

beforeAll(async () => {
  redis = await OwnRedis.start(); // appendonly yes, appendfsync always
  smtp = await SmtpSink.start();
  slack = await SlackStub.start();

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // The council's identity provider keeps the person's address for its UserInfo endpoint.
  idp = await startIdp({ clients: [{ id: CLIENT.id, secret: CLIENT.secret, redirectUri: `${base}/auth/callback` }], profileIn: 'userinfo' });

  // The example council, with the chief executive as a second authoriser (so separation of duties is on show).
  const dir = mkdtempSync(join(tmpdir(), 'probity-e2e-'));
  const councilFile = join(dir, 'council.yaml');
  writeFileSync(councilFile, `${exampleYaml}\nbriefings:\n  authorisers: [o-murray, o-carter]\n`);
  const common = {
    PROBITY_COUNCIL: councilFile,
    REDIS_URL: redis.url,
    PROBITY_PUBLIC_URL: base,
    PROBITY_LINK_KEYS: 'e2e:link-key-for-the-e2e-test-0123456789abcdef',
    PROBITY_LEDGER_KEY: TEST_LEDGER_KEY,
  };
  startProcess('api', 'workers/api.ts', {
    ...common,
    PORT: String(port),
    PROBITY_TOKEN_SECRET: 'e2e-token-secret-0123456789abcdefghijklmnop',
    PROBITY_LEDGER_CHECKPOINTS: join(dir, 'api.checkpoints'),
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: CLIENT.id,
    OIDC_CLIENT_SECRET: CLIENT.secret,
    OIDC_LABEL: 'Sign in with your council account',
  });
  startProcess('notices-worker', 'workers/notices.worker.ts', {
    ...common,
    PROBITY_LEDGER_CHECKPOINTS: join(dir, 'worker.checkpoints'),
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    SMTP_SECURE: 'false',
    SMTP_IGNORE_TLS: 'true',
    SLACK_BOT_TOKEN: 'xoxb-e2e-test',
    SLACK_API_URL: slack.apiUrl,
    NOTICE_BACKOFF_MS: '200',
    OUTBOX_INTERVAL_MS: '200',
  });
  await until(
    async () => {
      const dead = children.find((c) => c.child.exitCode !== null);
      if (dead) throw new Error(`${dead.name} exited: ${dead.output.join('').slice(-2000)}`);
      return (await fetch(`${base}/healthz`).catch(() => undefined))?.ok;
    },
    'API up',
    100,
  );
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const { child } of children) {
    if (child.exitCode === null)
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
  }
  await idp?.close();
  await smtp?.stop();
  await slack?.stop();
  await redis?.stop();
});

/** From the office page, through the provider's own sign-in and consent, back to the page, loaded. */
async function signIn(context: BrowserContext, email: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/office/`);
  await page.waitForSelector('#sign-in:not([hidden])');
  await page.click('#sign-in-link');
  await signInAtProvider(page, email, (url) => url.origin === base);
  await page.waitForSelector('body[data-loaded="true"]');
  return page;
}

async function reload(page: Page) {
  await page.evaluate(() => delete document.body.dataset.loaded);
  await page.click('#refresh');
  await page.waitForSelector('body[data-loaded="true"]');
}

const phone = () => browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
const desktop = () => browser.newContext({ viewport: { width: 1280, height: 900 } });
const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);
const linkIn = (text: string) => new RegExp(`(${base.replace(/[.]/g, '\\.')}/answer/ol1\\.[\\w.-]+)`).exec(text)?.[1];
const mailsTo = (address: string, kind: RegExp) => smtp.mails.filter((m) => m.envelopeTo.includes(address) && kind.test(m.notice));

/** A day a week ahead, in London, as the page's datetime-local wants it. */
const sessionDay = addCalendarDays(localDate(new Date(), 'Europe/London'), 8);

// Each step is several pages in a real browser with a real sign-in: on a loaded 2-core machine one took 30 s, so each
// step has two minutes (a time limit for a hung browser, not a speed check).
describe('issue 10, end to end: the office runs a briefing from the page', { timeout: 120_000 }, () => {
  let ce: Page; // Helen Carter, Chief Executive: ce-office and (here) an authoriser
  let director: Page; // Claire Murray, the authoriser

  it('the chief executive records a written request from a group leader by email; she cannot decide it, the authoriser approves on the page', async () => {
    ce = await signIn(await desktop(), 'helen.carter@ashcombe.gov.uk');
    expect(await ce.locator('#who-text').textContent()).toBe("Helen Carter · Chief Executive's office, authoriser, officer");
    expect(await ce.locator('.top .sub').textContent()).toMatch(/times in London time, (GMT|BST)$/);

    await ce.click('#record summary');
    const form = ce.locator('#record-form');
    await form.locator('select[name=requestedBy]').selectOption({ label: 'Cllr Ruth Hale (Labour Group)' });
    await form.locator('select[name=via]').selectOption('email');
    // Yesterday at 08:05: always in the past, whenever the test runs (today's 08:05 is still to come after midnight).
    const arrived = `${addCalendarDays(localDate(new Date(), 'Europe/London'), -1)}T08:05`;
    await form.locator('input[name=receivedAt]').fill(arrived);
    await form.locator('input[name=matter]').fill(MATTER);
    await form.locator('textarea[name=details]').fill(DETAILS);
    await form.locator('input[name=officers][value=o-hughes]').check();
    await form.locator('button[type=submit]').click();
    await ce.waitForSelector('article.request[data-status="pending"]');
    expect(await ce.locator('#status').textContent()).toBe(`Recorded: “${MATTER}” from Cllr Ruth Hale. It waits for the authoriser’s decision.`);
    const card = ce.locator('article.request').first();
    const facts = await card.locator('dl.facts').innerText();
    expect(facts).toContain('Labour Group');
    expect(facts).toContain('Cllr Ruth Hale');
    expect(facts).toMatch(/by email, \d{1,2} \w{3} \d{4}, 08:05; recorded by Helen Carter/);
    expect(facts).toContain('Lisa Hughes');
    // She recorded it, so she may not decide it, though she is an authoriser.
    expect(await card.locator('.separation').textContent()).toBe('You recorded this request, so another authoriser must decide it.');
    expect(await card.locator('button.approve').isDisabled()).toBe(true);
    await ce.screenshot({ path: new URL('office-request-desktop.png', SCREENSHOTS).pathname, fullPage: true });

    director = await signIn(await desktop(), 'claire.murray@ashcombe.gov.uk');
    const pending = director.locator('article.request[data-status="pending"]');
    // Approve waits until the notice worker reports that it can send on every channel the groups use.
    await until(
      async () => {
        await reload(director);
        return pending.locator('button.approve').isEnabled();
      },
      'Approve enabled',
      200,
    );
    await pending.locator('button.approve').click();
    await director.waitForSelector('article.round');
    expect(await director.locator('#status').textContent()).toContain('approved');
    expect(await director.locator('article.request').first().locator('.decision').textContent()).toMatch(/^Approved by Claire Murray, /);
  });

  it('every other group gets a notice whose link opens its own page, with no token pasted, and answers on a phone', async () => {
    const leaders = {
      conservative: { email: 'tom.webb@ashcombe.gov.uk', slack: 'U0WEBB', heading: 'A briefing offered to the Conservative Group' },
      libdem: { email: 'fiona.doyle@ashcombe.gov.uk', slack: 'U0DOYLE', heading: 'A briefing offered to the Liberal Democrat Group' },
      green: { email: 'priya.moss@ashcombe.gov.uk', slack: 'U0MOSS', heading: 'A briefing offered to the Green Group' },
      'ashcombe-first': { email: 'sean.byrne@ashcombe.gov.uk', slack: 'U0BYRNE', heading: 'A briefing offered to the Ashcombe First Independents' },
    };
    await until(() => Object.values(leaders).every((l) => mailsTo(l.email, /-offer-email$/).length === 1), 'every other group emailed');
    await until(() => Object.values(leaders).every((l) => slack.posts().some((p) => p.params.channel === `D${l.slack}`)), 'every other group on Slack');
    // Labour asked: it is told its request was approved, and gets no offer.
    expect(mailsTo('ruth.hale@ashcombe.gov.uk', /-offer-email$/)).toHaveLength(0);

    const links: Record<string, string> = {};
    for (const [party, l] of Object.entries(leaders)) {
      const mail = mailsTo(l.email, /-offer-email$/)[0]!;
      expect(mail.text).not.toMatch(/Labour|Hale|Northgate|\/v1\//);
      links[party] = linkIn(mail.text)!;
      expect(links[party], party).toBeDefined();
    }

    const answer = async (party: keyof typeof leaders, how: 'propose' | 'accept' | 'decline', shot?: string) => {
      const context = await phone();
      const page = await context.newPage();
      await page.goto(links[party]!);
      expect(await page.locator('h1').textContent()).toBe(leaders[party].heading);
      expect(await page.locator('h2.title').textContent()).toBe(MATTER);
      expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(390);
      if (how === 'propose') {
        await page.locator('details summary').click();
        await page.locator('input[name=time]').first().fill(`${sessionDay}T17:30`);
      }
      if (shot) await page.screenshot({ path: new URL(shot, SCREENSHOTS).pathname, fullPage: true });
      await Promise.all([page.waitForURL(new RegExp(`done=${how}`)), page.locator(`button[value=${how}]`).click()]);
      expect(await page.locator('.banner.ok').first().textContent()).toMatch(/Thank you/);
      expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(390);
      await context.close();
    };
    await answer('conservative', 'propose', 'e2e-offer-phone.png');
    await answer('libdem', 'accept');
    await answer('green', 'decline');
    // Ashcombe First has not answered: the office sees the time it has left.

    await reload(director);
    const row = (party: string) => director.locator(`article.round tr[data-party="${party}"]`);
    expect(await row('conservative').locator('.state').textContent()).toBe('taken up');
    expect(await row('conservative').innerText()).toMatch(/by Cllr Tom Webb, .*Times that suit: /s);
    expect(await row('libdem').locator('.state').textContent()).toBe('taken up');
    expect(await row('green').locator('.state').textContent()).toBe('declined');
    expect(await row('ashcombe-first').locator('.state').textContent()).toBe('no answer yet');
    expect(await row('ashcombe-first').locator('td.due').innerText()).toMatch(
      /^5 working days left \(reminder \w{3} \d{1,2} \w{3}\)\s+closes 18:00 \w{3} \d{1,2} \w{3} \(London time, (GMT|BST)\)$/,
    );
  });

  it('the office schedules the sessions and invites officers from the page', async () => {
    await reload(ce);
    const round = ce.locator('article.round').first();
    for (const [party, name] of [
      ['conservative', 'Conservative Group'],
      ['libdem', 'Liberal Democrat Group'],
      ['labour', 'Labour Group'],
    ] as const) {
      const tool = round.locator('details.tool', { hasText: `Schedule a session for ${name}` });
      await tool.locator('summary').click();
      const form = tool.locator('form.schedule');
      if (party === 'conservative') expect(await form.locator('.hint').first().textContent()).toMatch(/^Conservative Group said these times suit: /);
      await form.locator('input[name=startsAt]').fill(`${sessionDay}T${party === 'labour' ? '10' : party === 'libdem' ? '14' : '17'}:30`);
      await form.locator('input[name=endsAt]').fill(party === 'labour' ? '11:30' : party === 'libdem' ? '15:30' : '18:30');
      await form.locator('input[name=venue]').fill('Committee Room 2, Civic Centre');
      await form.locator('input[name=version]').fill('v1.2');
      // The material itself: the page works out its SHA-256 in the browser.
      await form.locator('input[name=material]').setInputFiles({ name: 'local-plan-pack.txt', mimeType: 'text/plain', buffer: Buffer.from(MATERIAL) });
      await until(async () => (await form.locator('input[name=sha256]').inputValue()) === MATERIAL_SHA, 'SHA-256 worked out');
      for (const officer of ['o-hughes', 'o-patel']) await form.locator(`input[name=officers][value=${officer}]`).check();
      await form.locator('button[type=submit]').click();
      await ce.waitForFunction((p) => !!document.querySelector(`article.round tr[data-party="${p}"] .sessions li`), party);
      expect(await ce.locator('#status').textContent()).toBe(
        `${name}’s session is scheduled; Lisa Hughes, Amir Patel are invited, and the group is sent the calendar invitation.`,
      );
    }
    const session = await ce.locator('article.round tr[data-party="conservative"] .sessions li').innerText();
    expect(session).toMatch(
      new RegExp(`^\\w{3} \\d{1,2} \\w{3}, 17:30–18:30 \\(London time, (GMT|BST)\\), Committee Room 2, Civic Centre · material version v1\\.2`),
    );
    expect(session).toContain('Officers: Lisa Hughes (not answered yet), Amir Patel (not answered yet)');
    expect(await ce.locator('article.round .badge', { hasText: 'material differs' }).count()).toBe(0);

    // The officers are invited, each with their own link; the group gets the calendar invitation.
    await until(
      () => mailsTo('lisa.hughes@ashcombe.gov.uk', /-email$/).filter((m) => m.subject.startsWith('Please brief')).length === 3,
      'Lisa Hughes invited three times',
    );
    await until(
      () => mailsTo('amir.patel@ashcombe.gov.uk', /-email$/).filter((m) => m.subject.startsWith('Please brief')).length === 3,
      'Amir Patel invited three times',
    );
    await until(() => mailsTo('tom.webb@ashcombe.gov.uk', /-s0-email$/).some((m) => m.calendar), 'the Conservative Group has the calendar invitation');

    // Lisa Hughes accepts the Conservative invitation from her own link, on her phone.
    const invitation = mailsTo('lisa.hughes@ashcombe.gov.uk', /-email$/).find((m) => m.subject === `Please brief the Conservative Group: ${MATTER}`)!;
    const context = await phone();
    const page = await context.newPage();
    await page.goto(linkIn(invitation.text)!);
    await Promise.all([page.waitForURL(/done=accept/), page.locator('button[value=accept]').click()]);
    await context.close();
    await reload(ce);
    expect(await ce.locator('article.round tr[data-party="conservative"] .sessions li').innerText()).toContain('Lisa Hughes (accepted)');
  });

  it('a follow-up from the page reaches every group that took the briefing up, and no other', async () => {
    const round = ce.locator('article.round').first();
    const tool = round.locator('details.tool', { hasText: 'Send a follow-up answer' });
    await tool.locator('summary').click();
    expect(await tool.locator('.hint').first().textContent()).toBe(
      'Goes to every group that took the briefing up: Labour Group, Conservative Group, Liberal Democrat Group. Factual, and the same for each.',
    );
    await tool.locator('textarea[name=answer]').fill(FOLLOW_UP);
    await tool.locator('button[type=submit]').click();
    await ce.waitForSelector('article.round .follow-ups li');
    expect(await ce.locator('#status').textContent()).toBe('Follow-up sent to 3 groups.');

    const takers = ['ruth.hale@ashcombe.gov.uk', 'tom.webb@ashcombe.gov.uk', 'imran.khan@ashcombe.gov.uk', 'fiona.doyle@ashcombe.gov.uk'];
    await until(() => takers.every((a) => mailsTo(a, /^fu-.*-email$/).length === 1), 'follow-up to every group that took it up');
    for (const a of takers) expect(mailsTo(a, /^fu-.*-email$/)[0]!.text.replace(/\s+/g, ' ')).toContain(FOLLOW_UP);
    for (const a of ['priya.moss@ashcombe.gov.uk', 'sean.byrne@ashcombe.gov.uk']) expect(mailsTo(a, /^fu-/)).toHaveLength(0);
  });

  it('the register and the audit trail say all of it in words, on a desktop and on a phone', async () => {
    await until(async () => {
      await reload(ce);
      return (await ce.locator('article.round .chip.queued').count()) === 0;
    }, 'every notice settled');
    expect(await ce.locator('#action-list .empty').textContent()).toContain('Nothing needs action');

    const register = await ce.locator('#register-table tbody').innerText();
    expect(register).toMatch(/Conservative Group\s+\d{1,2} \w{3} \d{4}, \d\d:\d\d\s+taken up, .*\s+1 session, material v1\.2\s+email sent; slack sent\s+1/);
    expect(register).toMatch(/Green Group\s+.*\s+declined, .*\s+—\s+email sent; slack sent\s+—/);
    expect(register).toMatch(/Labour Group\s+asked for it\s+asked for it\s+1 session, material v1\.2/);

    const trail = await ce.locator('#audit-table tbody').innerText();
    for (const line of [
      /Helen Carter recorded a written request from Cllr Ruth Hale for the Labour Group \(received by email \d{1,2} \w{3} 08:05\): “Local Plan review: housing site allocations”/,
      /Claire Murray approved the Labour Group’s request “Local Plan review: housing site allocations”: every other group is offered the same briefing/,
      /The briefing “Local Plan review: housing site allocations” was offered to Conservative Group, Liberal Democrat Group, Green Group, Ashcombe First Independents/,
      /Cllr Tom Webb took up “Local Plan review: housing site allocations” for the Conservative Group; times that suit: \w{3} \d{1,2} \w{3} 17:30/,
      /Cllr Fiona Doyle took up .* for the Liberal Democrat Group/,
      /Cllr Priya Moss declined .* for the Green Group/,
      /Helen Carter scheduled the Conservative Group’s session: \w{3} \d{1,2} \w{3}, 17:30–18:30 \(London time, (GMT|BST)\), Committee Room 2, Civic Centre, with Lisa Hughes, Amir Patel, material version v1\.2/,
      /Lisa Hughes was invited to brief the Conservative Group/,
      /Lisa Hughes accepted the Conservative invitation/,
      /Helen Carter sent a follow-up answer on “Local Plan review: housing site allocations” to every group that took it up: Labour Group, Conservative Group, Liberal Democrat Group/,
      /Helen Carter read the confidential details|Every first notice of “Local Plan review: housing site allocations” was sent or finally failed/,
    ]) {
      expect(trail).toMatch(line);
    }
    // Names, not ids; sentences, not machine event names.
    expect(trail).not.toMatch(/\b(o|cllr)-[a-z]+\b|\b(request|offer|round|notice|invitation)\.[a-z-]+\b|ESOCKET/);
    await ce.click('#verify');
    await ce.waitForFunction(() => document.querySelector('#verify-result')?.textContent?.startsWith('Intact'));
    await ce.screenshot({ path: new URL('office-desktop.png', SCREENSHOTS).pathname, fullPage: true });

    // On a 390 px phone: every section, with the forms open, fits the width.
    const small = await phone();
    const cookies = await ce.context().cookies(base);
    await small.addCookies(cookies);
    const mobile = await small.newPage();
    await mobile.goto(`${base}/office/`);
    await mobile.waitForSelector('body[data-loaded="true"]');
    await mobile.click('#record summary');
    for (const summary of await mobile.locator('article.round details.tool summary').all()) await summary.click();
    expect(await noSidewaysScroll(mobile)).toBeLessThanOrEqual(390);
    expect(
      await mobile
        .locator('article.round tbody tr')
        .first()
        .locator('td')
        .first()
        .evaluate((td) => getComputedStyle(td, '::before').content),
    ).toBe('"Group"');
    // Screenshots of the phone's screen itself: the offer round, and the audit trail.
    await mobile.reload();
    await mobile.waitForSelector('body[data-loaded="true"]');
    await mobile.locator('article.round tr[data-party="conservative"]').evaluate((e) => e.scrollIntoView());
    await mobile.screenshot({ path: new URL('office-phone.png', SCREENSHOTS).pathname });
    await mobile.locator('#audit').evaluate((e) => e.scrollIntoView());
    await mobile.screenshot({ path: new URL('office-phone-audit.png', SCREENSHOTS).pathname });
    await small.close();

    // The processes said nothing alarming along the way.
    const output = children.map((c) => c.output.join('')).join('\n');
    expect(output).not.toMatch(/"level":(50|60)|unhandled|ERR_/);
  });
});
