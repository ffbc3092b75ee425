import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/briefings/memory-store.js';
import type { Notice } from '../../src/briefings/types.js';
import { buildContext } from '../../src/notices/context.js';
import { ConfidentialityError, renderNotice } from '../../src/notices/render.js';
import { actors, clock, LABOUR_REQUEST, service, SHA } from './fixtures.js';

const deps = { publicUrl: 'https://probity.ashcombe.gov.uk', from: { name: "Chief Executive's Office", email: 'briefings@ashcombe.gov.uk' } };

async function everyKindOfNotice() {
  const c = clock('2026-11-24T10:00:00Z');
  const s = service({ clock: c, briefings: '  independents: individual\n', store: new MemoryStore() });
  const store = s.store as MemoryStore;
  const req = await s.svc.request(actors.labourLeader, LABOUR_REQUEST);
  const declinedReq = await s.svc.request(actors.toryLeader, { ...LABOUR_REQUEST, premises: { councilControlled: false } });
  await s.svc.decide(actors.authoriser, declinedReq.id, { decision: 'decline', reason: 'non-council-premises', note: 'Committee Room 1 is free.' });
  const deferredReq = await s.svc.request(actors.libdemLeader, { ...LABOUR_REQUEST, matter: 'Budget' });
  await s.svc.decide(actors.authoriser, deferredReq.id, { decision: 'defer', until: '2027-01-10' });
  const { round } = await s.svc.decide(actors.authoriser, req.id, { decision: 'approve' });
  const view = await s.svc.roundView(round!.id);
  const offer = (p: string) => view.offers.find((o) => o.party.id === p)!;
  await s.svc.respondToOffer(actors.toryLeader, offer('conservative').id, 'accept');
  c.set('2026-11-27T08:00:00Z');
  await s.svc.remindOffer(offer('green').id, 1);
  const labourSession = await s.svc.scheduleSession(actors.office, {
    offerId: offer('labour').id,
    officers: ['o-hughes'],
    venue: 'Room 1',
    startsAt: '2026-12-01T17:00:00Z',
    endsAt: '2026-12-01T18:00:00Z',
    material: { version: 'v1', sha256: SHA },
  });
  await s.svc.scheduleSession(actors.office, {
    offerId: offer('conservative').id,
    officers: ['o-hughes'],
    venue: 'Room 1',
    startsAt: '2026-12-02T17:00:00Z',
    endsAt: '2026-12-02T18:00:00Z',
    material: { version: 'v1', sha256: SHA },
  });
  await s.svc.followUp(actors.office, round!.id, { answer: 'The yield is 240 homes.' });
  const invitations = await s.svc.listInvitations(actors.office);
  await s.svc.respondToInvitation(actors.hughes, invitations.find((i) => i.sessionId === labourSession.id)!.id, 'accept');
  await s.svc.respondToInvitation(actors.hughes, invitations.find((i) => i.sessionId !== labourSession.id)!.id, 'decline').catch(() => undefined);
  const notices = (await store.reader().getMany(
    'notice',
    [...store.entities.keys()].filter((k) => k.startsWith('notice/')).map((k) => k.slice(7)),
  )) as Notice[];
  return { ...s, store, notices, offer, round: round! };
}

describe('rendering notices', () => {
  it('renders every kind of notice with every placeholder filled, and never names the requester to anyone else', async () => {
    const { svc, store, notices } = await everyKindOfNotice();
    const kinds = new Set(notices.map((n) => n.kind));
    expect([...kinds].sort()).toEqual(['approved', 'declined', 'deferred', 'follow-up', 'invitation', 'offer', 'reminder', 'same-matter', 'session']);
    for (const notice of notices) {
      const ctx = await buildContext({ ...deps, council: svc.council, settings: svc.settings }, store.reader(), notice);
      const out = renderNotice(svc.council, ctx);
      const all = `${out.subject}\n${out.text}\n${out.slack}`;
      expect(all, notice.id).not.toMatch(/\{\{|undefined|\[object/);
      if (notice.party !== 'labour' && notice.party !== 'chief-executive') {
        expect(all, notice.id).not.toMatch(/Labour|Hale|Northgate allocation/);
      }
      if (notice.kind === 'session') expect(out.ical?.content).toContain(`UID:${notice.sessionId}@ashcombe.gov.uk`);
    }
  });

  it('says why a request was declined or deferred, in words', async () => {
    const { svc, store, notices } = await everyKindOfNotice();
    const render = async (kind: string) => {
      const n = notices.find((x) => x.kind === kind && x.channel === 'email')!;
      return renderNotice(svc.council, await buildContext({ ...deps, council: svc.council, settings: svc.settings }, store.reader(), n));
    };
    expect((await render('declined')).text).toContain('premises the council does not own or control');
    expect((await render('declined')).text).toContain('Committee Room 1 is free.');
    expect((await render('deferred')).text).toContain('on or after 2027-01-10');
    const offer = (await render('offer')).text; // close of business on the fifth working day, local time
    expect(offer).toMatch(/Tuesday,? 1 December 2026/);
    expect(offer).toContain('18:00');
  });

  it('refuses to render a notice that would name another group, whatever slipped through upstream', async () => {
    const { svc, store, notices, round } = await everyKindOfNotice();
    // Simulate a title that bypassed the neutral-title check.
    const stored = (await store.reader().get('round', round.id))!;
    store.entities.set(`round/${round.id}`, JSON.stringify({ ...stored, title: 'Briefing the Tory Group asked for' }));
    const toGreen = notices.find((n) => n.kind === 'offer' && n.party === 'green')!;
    const ctx = await buildContext({ ...deps, council: svc.council, settings: svc.settings }, store.reader(), toGreen);
    expect(() => renderNotice(svc.council, ctx)).toThrow(ConfidentialityError);
    try {
      renderNotice(svc.council, ctx);
    } catch (err) {
      expect((err as Error).message).not.toContain('Tory'); // the error itself carries no political data
    }
  });
});
