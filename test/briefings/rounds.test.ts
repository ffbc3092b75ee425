import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/briefings/errors.js';
import type { OutboxItem } from '../../src/briefings/ledger.js';
import { actors, clock, council, LABOUR_REQUEST, service } from './fixtures.js';

async function approved(opts: Parameters<typeof service>[0] = {}) {
  const s = service(opts);
  const req = await s.svc.request(actors.labourLeader, LABOUR_REQUEST);
  const { round } = await s.svc.decide(actors.authoriser, req.id, { decision: 'approve' });
  return { ...s, req, round: round!, view: await s.svc.roundView(round!.id) };
}

const offerOf = (view: Awaited<ReturnType<typeof approved>>['view'], party: string) => view.offers.find((o) => o.party.id === party)!;

describe('offer rounds (000 6.1, 002 5.6)', () => {
  it('offers the same briefing to every other group in a snapshot taken at approval', async () => {
    const { view } = await approved();
    expect(view.offers.map((o) => [o.party.id, o.kind, o.status])).toEqual([
      ['labour', 'requester', 'agreed'],
      ['conservative', 'offer', 'open'],
      ['libdem', 'offer', 'open'],
      ['green', 'offer', 'open'],
      ['ashcombe-first', 'offer', 'open'],
    ]);
    expect(offerOf(view, 'conservative').party.contacts).toEqual(['cllr-webb', 'cllr-khan']);
    expect(view.snapshot.map((p) => p.id)).toEqual(['labour', 'conservative', 'libdem', 'green', 'ashcombe-first']);
  });

  it('queues one flow for the round: a notice per group and channel, with reminder and expiry timers', async () => {
    const { store, round } = await approved();
    const [item] = (await store.outbox()) as OutboxItem[];
    expect(item).toMatchObject({ kind: 'round', roundId: round.id });
    expect(item!.noticeIds).toHaveLength(10); // 5 parties × (email, slack)
    expect(item!.noticeIds.filter((id) => id.endsWith('-offer-email'))).toHaveLength(4);
    expect(item!.noticeIds.filter((id) => id.endsWith('-approved-email'))).toHaveLength(1);
    expect(item!.timers!.map((t) => t.name)).toEqual(['reminder', 'expire', 'reminder', 'expire', 'reminder', 'expire', 'reminder', 'expire']);
    expect(item!.timers!.every((t) => !t.jobId.includes(':'))).toBe(true);
  });

  it('handles independents per the council setting: none, each individually, or jointly', async () => {
    expect((await approved()).view.offers.some((o) => o.party.kind !== 'group')).toBe(false);
    const individual = await approved({ briefings: '  independents: individual\n' });
    expect(individual.view.offers.filter((o) => o.party.kind === 'independent').map((o) => o.party.id)).toEqual(['ind-cllr-grant']);
    const joint = await approved({
      briefings: '  independents: joint\n',
      council: council('  independents: joint\n', '  - { id: cllr-ng, name: Cllr May Ng, email: may.ng@ashcombe.gov.uk, role: councillor }\n'),
    });
    const jointOffer = joint.view.offers.find((o) => o.party.kind === 'independents')!;
    expect(jointOffer.party.members.sort()).toEqual(['cllr-grant', 'cllr-ng']);
  });

  it('treats the member of a one-member group as an independent, not a group', async () => {
    const c = council(
      '  independents: individual\n',
      '  - { id: cllr-solo, name: Cllr Sol Oakes, email: sol@ashcombe.gov.uk, role: councillor, group: reform, groupRole: leader }\n',
      '  - { id: reform, name: Reform Group }\n',
    );
    const { view } = await approved({ council: c });
    expect(view.offers.some((o) => o.party.id === 'reform')).toBe(false);
    expect(view.offers.some((o) => o.party.id === 'ind-cllr-solo')).toBe(true);
  });

  it('two concurrent approvals open exactly one round', async () => {
    const { svc, store } = service();
    const req = await svc.request(actors.labourLeader, LABOUR_REQUEST);
    const results = await Promise.allSettled([
      svc.decide(actors.authoriser, req.id, { decision: 'approve' }),
      svc.decide(actors.authoriser, req.id, { decision: 'approve' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict' });
    expect(await store.reader().index('rounds')).toHaveLength(1);
  });
});

describe('answers, expiry and reminders', () => {
  it('accepts and declines for the group, once; the round closes when nothing is open', async () => {
    const { svc, view } = await approved();
    for (const [actor, party, answer] of [
      [actors.toryLeader, 'conservative', 'accept'],
      [actors.libdemLeader, 'libdem', 'decline'],
      [actors.greenLeader, 'green', 'accept'],
    ] as const) {
      expect((await svc.respondToOffer(actor, offerOf(view, party).id, answer)).status).toBe(answer === 'accept' ? 'accepted' : 'declined');
    }
    await expect(svc.respondToOffer(actors.toryLeader, offerOf(view, 'conservative').id, 'decline')).rejects.toMatchObject({ rule: 'already-answered' });
    await svc.respondToOffer(actors.office, offerOf(view, 'ashcombe-first').id, 'decline');
    const after = await svc.roundView(view.id);
    expect(after.status).toBe('closed');
    await expect(svc.refreshRound(actors.office, view.id)).rejects.toMatchObject({ code: 'conflict', rule: 'round-closed' });
  });

  it("does not let one group answer another group's offer (it is not found for them)", async () => {
    const { svc, view } = await approved();
    await expect(svc.respondToOffer(actors.toryLeader, offerOf(view, 'libdem').id, 'accept')).rejects.toMatchObject({ code: 'not-found' });
    await expect(svc.respondToOffer(actors.labourLeader, offerOf(view, 'labour').id, 'decline')).rejects.toMatchObject({ rule: 'own-briefing' });
  });

  it('expires an unanswered offer after five working days, and refuses a late answer', async () => {
    const c = clock('2026-12-18T10:00:00Z');
    const { svc, view } = await approved({ clock: c });
    const tory = offerOf(view, 'conservative');
    expect(tory.expiresAt).toBe('2026-12-29T18:00:00.000Z');
    c.set('2026-12-29T17:59:00Z');
    expect((await svc.expireOffer(tory.id))!.status).toBe('open'); // not due: the job fired early, nothing happens
    c.set('2026-12-29T18:00:00Z');
    expect((await svc.expireOffer(tory.id))!.status).toBe('expired');
    const libdem = offerOf(view, 'libdem');
    c.set('2026-12-30T09:00:00Z');
    const e = await svc.respondToOffer(actors.libdemLeader, libdem.id, 'accept').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toMatchObject({ code: 'conflict', rule: 'offer-expired' });
    expect((await svc.getOffer(actors.office, libdem.id)).status).toBe('expired'); // the expiry is on record
  });

  it('reminds an open offer once per reminder, and not an answered one', async () => {
    const c = clock('2026-12-18T10:00:00Z');
    const { svc, view, store } = await approved({ clock: c });
    c.set('2026-12-23T08:00:00Z');
    const ids = await svc.remindOffer(offerOf(view, 'green').id, 1);
    expect(ids).toEqual([`${offerOf(view, 'green').id}-reminder1-email`, `${offerOf(view, 'green').id}-reminder1-slack`]);
    expect(await svc.remindOffer(offerOf(view, 'green').id, 1)).toEqual([]);
    await svc.respondToOffer(actors.toryLeader, offerOf(view, 'conservative').id, 'accept');
    expect(await svc.remindOffer(offerOf(view, 'conservative').id, 1)).toEqual([]);
    expect((await store.outbox()).filter((o) => o.id.includes('reminder'))).toHaveLength(1);
  });
});

describe('late offers', () => {
  it('offers the briefing to a group that formed mid-round, on its own expiry, and to no one twice', async () => {
    const c = clock('2026-11-24T10:00:00Z');
    const { svc, view } = await approved({ clock: c });
    c.set('2026-11-26T10:00:00Z');
    svc.setCouncil(
      council(
        '',
        '  - { id: cllr-a, name: Cllr Ann Ash, email: ann@ashcombe.gov.uk, role: councillor, group: indep-alliance, groupRole: leader }\n  - { id: cllr-b, name: Cllr Bob Birch, role: councillor, group: indep-alliance }\n',
        '  - { id: indep-alliance, name: Independent Alliance }\n',
      ),
    );
    const late = await svc.refreshRound(actors.office, view.id);
    expect(late.map((o) => [o.party.id, o.kind, o.status])).toEqual([['indep-alliance', 'late', 'open']]);
    expect(late[0]!.expiresAt).toBe('2026-12-03T18:00:00.000Z');
    expect(await svc.refreshRound(actors.office, view.id)).toEqual([]);
    expect((await svc.roundView(view.id)).offers).toHaveLength(6);
  });
});
