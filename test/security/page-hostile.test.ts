/**
 * Hostile content in every user-written field of a briefing, in headless Chromium (Debian's, through
 * playwright-core). test/briefings/page.test.ts already proves the awaiting list (matter, details) and the round
 * heading; this adds the authoriser's neutral offer title (shown in the rounds and register views, literally), and
 * puts hostile text in the decision note, a declined request's note, a session's venue and material version and
 * a follow-up answer (which the page, as built, does not display at all), signed in as the office and as the
 * authoriser: no injected element, no script run or dialog, no event-handler attribute anywhere in the DOM.
 */
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/briefings/memory-store.js';
import { BriefingService } from '../../src/briefings/service.js';
import { buildApp } from '../../src/http/app.js';
import { signInAs, testSignIn } from '../helpers/sign-in.js';
import { actors, clock, council, ids, LABOUR_REQUEST, SHA } from '../briefings/fixtures.js';

const SECRET = 'page-hostile-secret-0123456789abcdefghijkl';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const signIn = testSignIn();

const H = {
  title: 'Northgate <img src=x onerror="window.__pwned=1"> allocation',
  note: '<script>window.__pwned=2</script>Approved <b>today</b> [link](javascript:alert(1))',
  declineNote: '<svg onload="window.__pwned=3"></svg>Room 1 is free',
  venue: 'Committee Room <iframe src="javascript:window.__pwned=4"></iframe>',
  version: 'v1<a href=javascript:1>',
  answer: '"><script>window.__pwned=5</script> The yield is *240* homes & <u>more</u>',
};

let app: FastifyInstance;
let base = '';
let browser: Browser;

beforeAll(async () => {
  const svc = new BriefingService({
    council: council(),
    store: new MemoryStore(),
    clock: clock(new Date(Date.now() - 60_000).toISOString()),
    newId: ids('ph'),
  });
  const req = await svc.request(actors.labourLeader, { ...LABOUR_REQUEST, matter: 'Local Plan review' });
  const { round } = await svc.decide(actors.authoriser, req.id, { decision: 'approve', offerTitle: H.title, note: H.note });
  const declined = await svc.request(actors.toryLeader, {
    matter: 'Parking review',
    details: 'Residents parking zones',
    premises: { councilControlled: false },
  });
  await svc.decide(actors.authoriser, declined.id, { decision: 'decline', reason: 'non-council-premises', note: H.declineNote });
  await svc.request(actors.libdemLeader, { matter: 'Budget', details: 'The budget' }); // keeps the awaiting list non-empty
  const view = await svc.roundView(round!.id);
  const labourOffer = view.offers.find((o) => o.party.id === 'labour')!;
  const start = new Date(Date.now() + 7 * 86_400_000);
  await svc.scheduleSession(actors.office, {
    offerId: labourOffer.id,
    officers: ['o-hughes'],
    venue: H.venue,
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
    material: { version: H.version, sha256: SHA },
  });
  await svc.followUp(actors.office, round!.id, { answer: H.answer });
  app = await buildApp({ service: svc, auth: { secret: SECRET }, signIn, docs: false });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the office page with hostile text in every field', () => {
  for (const [who, sub] of [
    ['the office', 'o-bell'],
    ['the authoriser', 'o-murray'],
  ] as const) {
    it(`shows it as text to ${who}: no element injected, no script run`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('dialog', (d) => {
        problems.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      await signInAs(context, base, signIn, sub);
      await page.goto(`${base}/office/`);
      await page.waitForSelector('body[data-loaded="true"]');
      // Let the audit trail and register render too, if they load after the first paint.
      await page.waitForLoadState('networkidle');

      const report = await page.evaluate(() => {
        const all = [...document.querySelectorAll('*')];
        return {
          pwned: (window as unknown as { __pwned?: number }).__pwned,
          scripts: [...document.scripts].map((s) => s.src || `inline:${s.textContent?.slice(0, 40)}`),
          injected: document.querySelectorAll('main img, main svg[onload], main iframe, main u, main a[href^="javascript"], body iframe').length,
          handlers: all.filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).map((el) => el.outerHTML.slice(0, 80)),
          text: document.body.innerText,
        };
      });
      expect(report.pwned).toBeUndefined();
      expect(report.scripts.every((s) => s.startsWith(`${base}/office/`))).toBe(true);
      expect(report.injected).toBe(0);
      expect(report.handlers).toEqual([]);
      expect(report.text).toContain(H.title);
      expect(problems).toEqual([]);
      await context.close();
    });
  }
});
