/**
 * Screenshot of the chief executive's office page with demonstration data, for the README:
 *
 *   npx tsx scripts/briefings-screenshot.ts [out.png]     (default docs/screenshots/ce-office.png)
 *
 * Runs the real app on a loopback port over the in-memory ledger (no Redis needed), seeds the example council
 * with a few requests and one round whose notices were partly delivered, signs in as the authoriser in
 * Debian's headless Chromium and saves a full-page PNG. The audit table is cut to its 12 latest events for the
 * picture only.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';
import { MemoryStore } from '../src/briefings/memory-store.js';
import { BriefingService } from '../src/briefings/service.js';
import type { Actor } from '../src/briefings/context.js';
import { parseCouncil } from '../src/directory/council.js';
import { buildApp } from '../src/http/app.js';
import { MemoryKv } from '../src/auth/kv.js';
import { SessionStore } from '../src/auth/sessions.js';

const out = process.argv[2] ?? 'docs/screenshots/ce-office.png';
const SECRET = 'screenshot-secret-0123456789abcdefghijklmnop';
const yaml = `${readFileSync('examples/council.yaml', 'utf8')}
briefings:
  offerExpiryWorkingDays: 5
  reminderWorkingDays: [3]
  independents: individual
  preElectionPeriods:
    - { name: Local elections 2027, start: 2027-03-22, end: 2027-05-06 }
`;
const council = parseCouncil(yaml);
let now = new Date('2026-11-16T09:12:00Z');
const clock = () => new Date(now);
const at = (iso: string) => {
  now = new Date(iso);
};
let n = 0;
const service = new BriefingService({ council, store: new MemoryStore(), clock, newId: (p) => `${p}-${(0x3a7c1 + ++n * 7919).toString(16)}` });

const A = {
  hale: { id: 'cllr-hale', role: 'group-leader', group: 'labour' },
  webb: { id: 'cllr-webb', role: 'group-leader', group: 'conservative' },
  doyle: { id: 'cllr-doyle', role: 'group-leader', group: 'libdem' },
  moss: { id: 'cllr-moss', role: 'group-leader', group: 'green' },
  murray: { id: 'o-murray', role: 'authoriser' },
  bell: { id: 'o-bell', role: 'ce-office' },
} satisfies Record<string, Actor>;

// One round, with a mix of answers and delivery states.
const local = await service.request(A.hale, {
  matter: 'Local Plan review: housing site allocations',
  details: 'The group would like the planning team to explain the site selection method and the infrastructure assumptions before the Cabinet report.',
  officers: ['o-hughes'],
});
at('2026-11-17T11:40:00Z');
const { round } = await service.decide(A.murray, local.id, { decision: 'approve' });
const view = await service.roundView(round!.id);
const worker = 'notices-worker';
for (const offer of view.offers) {
  for (const notice of offer.notices) {
    if (offer.party.id === 'ashcombe-first' && notice.channel === 'slack') {
      await service.recordDelivery(worker, notice.id, { state: 'failed', attempt: 1, error: 'slack: user_not_found', final: true });
    } else if (offer.party.id === 'ind-cllr-grant' && notice.channel === 'email') {
      await service.recordDelivery(worker, notice.id, { state: 'failed', attempt: 2, error: 'SMTP 421' });
    } else {
      await service.recordDelivery(worker, notice.id, { state: 'sent', attempt: 1, messageId: `<${notice.id}@ashcombe.gov.uk>` });
    }
  }
}
const offer = (party: string) => view.offers.find((o) => o.party.id === party)!.id;
at('2026-11-18T08:55:00Z');
await service.respondToOffer(A.webb, offer('conservative'), 'accept');
at('2026-11-18T14:20:00Z');
await service.respondToOffer(A.doyle, offer('libdem'), 'decline');
at('2026-11-19T10:05:00Z');
const material = { version: 'v2', sha256: 'e3b9f1c2a4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f' };
await service.scheduleSession(A.bell, { offerId: offer('labour'), officers: ['o-hughes', 'o-patel'], venue: 'Committee Room 2, Civic Centre', startsAt: '2026-11-25T17:30:00Z', endsAt: '2026-11-25T18:30:00Z', material });
await service.scheduleSession(A.bell, { offerId: offer('conservative'), officers: ['o-hughes', 'o-patel'], venue: 'Committee Room 2, Civic Centre', startsAt: '2026-11-26T17:30:00Z', endsAt: '2026-11-26T18:30:00Z', material });

// Requests waiting for a decision.
at('2026-11-20T15:02:00Z');
await service.request(A.doyle, { matter: 'Budget 2027/28: fees and charges', details: 'Which charges are proposed to rise above inflation, and the income assumed from each.', officers: ['o-walsh'] });
at('2026-11-21T09:47:00Z');
await service.request(A.webb, {
  matter: 'Town centre parking strategy',
  details: 'Options for the multi-storey car park and evening charges.',
  premises: { councilControlled: false, description: 'Function room, The Red Lion, Market Street' },
});
at('2026-11-23T08:30:00Z');
await service.request(A.moss, { matter: 'Climate action plan refresh', details: 'Progress against the 2030 target and the draft actions.', preferredDate: '2027-04-14' });
at('2026-11-23T10:00:00Z');

// Signed in as the authoriser: a session made here, as the identity provider's callback would make it.
const sessions = new SessionStore(new MemoryKv());
const app = await buildApp({ service, auth: { secret: SECRET }, signIn: { sessions, publicUrl: 'http://127.0.0.1' }, docs: false });
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const { id } = await sessions.create('o-murray', { issuer: 'screenshot', subject: 'o-murray' }, Date.now());
  await page.context().addCookies([{ name: 'probity-session', value: id, url: base }]);
  await page.goto(`${base}/office/`);
  await page.waitForSelector('body[data-loaded="true"]');
  await page.click('#verify');
  await page.waitForFunction(() => document.querySelector('#verify-result')?.textContent?.startsWith('Intact'));
  // The page's CSP forbids inline styles, so hide the older rows through the CSSOM instead.
  await page.evaluate(() => {
    for (const row of Array.from(document.querySelectorAll<HTMLElement>('#audit-table tbody tr')).slice(12)) row.style.display = 'none';
  });
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
  console.log('reproduce: npx tsx scripts/briefings-screenshot.ts');
} finally {
  await browser.close();
  await app.close();
}
