import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/briefings/errors.js';
import { actors, clock, council, LABOUR_REQUEST, service } from './fixtures.js';

async function refused(p: Promise<unknown>): Promise<DomainError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DomainError);
  return e as DomainError;
}

describe('requests (000 6.1, 003, 004 9.2)', () => {
  it('takes a request from a group leader, addressed to the designated recipient', async () => {
    const { svc } = service();
    const req = await svc.request(actors.labourLeader, { ...LABOUR_REQUEST, to: 'o-carter' });
    expect(req).toMatchObject({
      status: 'pending',
      group: 'labour',
      requestedBy: 'cllr-hale',
      recipient: 'o-carter',
      matterKey: 'local plan review housing site allocations',
    });
  });

  it('takes a request from a deputy, and from the office recording a written one', async () => {
    const { svc } = service();
    expect((await svc.request(actors.toryDeputy, LABOUR_REQUEST)).group).toBe('conservative');
    const recorded = await svc.request(actors.office, { ...LABOUR_REQUEST, requestedBy: 'cllr-doyle' });
    expect(recorded).toMatchObject({ group: 'libdem', recordedBy: 'o-bell', requestedBy: 'cllr-doyle' });
  });

  it('takes a request from a named spokesperson', async () => {
    const c = council('', '  - { id: cllr-ives, name: Cllr Jo Ives, role: councillor, group: green, groupRole: spokesperson }\n');
    const { svc } = service({ council: c });
    expect((await svc.request({ id: 'cllr-ives', role: 'group-leader', group: 'green' }, LABOUR_REQUEST)).group).toBe('green');
  });

  it('refuses a member who is not leader, deputy or spokesperson', async () => {
    const { svc } = service();
    const e = await refused(svc.request(actors.labourMember, LABOUR_REQUEST));
    expect(e).toMatchObject({ code: 'forbidden', rule: 'requester-role' });
  });

  it('refuses a token speaking for another group, and a request to the wrong recipient', async () => {
    const { svc } = service();
    expect((await refused(svc.request({ ...actors.labourLeader, group: 'green' }, LABOUR_REQUEST))).code).toBe('forbidden');
    const e = await refused(svc.request(actors.labourLeader, { ...LABOUR_REQUEST, to: 'o-singh' }));
    expect(e.code).toBe('invalid');
    expect(e.message).toContain('o-carter');
  });

  it('refuses a request from a one-member group: a one-member group is not a group', async () => {
    const c = council(
      '',
      '  - { id: cllr-solo, name: Cllr Sol Oakes, role: councillor, group: reform, groupRole: leader }\n',
      '  - { id: reform, name: Reform Group }\n',
    );
    const { svc } = service({ council: c });
    const e = await refused(svc.request({ id: 'cllr-solo', role: 'group-leader', group: 'reform' }, LABOUR_REQUEST));
    expect(e).toMatchObject({ code: 'invalid', rule: 'not-a-group' });
  });

  it('refuses an unknown officer', async () => {
    const { svc } = service();
    expect((await refused(svc.request(actors.labourLeader, { ...LABOUR_REQUEST, officers: ['o-nobody'] }))).message).toContain('o-nobody');
  });
});

describe('decisions (004 9.2, 9.5)', () => {
  it('lets only the designated authoriser decide', async () => {
    const { svc } = service();
    const req = await svc.request(actors.labourLeader, LABOUR_REQUEST);
    expect((await refused(svc.decide({ id: 'o-walsh', role: 'authoriser' }, req.id, { decision: 'approve' }))).code).toBe('forbidden');
    expect((await refused(svc.decide(actors.office, req.id, { decision: 'approve' }))).code).toBe('forbidden');
  });

  it('refuses a second decision on a decided request (409)', async () => {
    const { svc } = service();
    const req = await svc.request(actors.labourLeader, LABOUR_REQUEST);
    await svc.decide(actors.authoriser, req.id, { decision: 'approve' });
    const e = await refused(svc.decide(actors.authoriser, req.id, { decision: 'decline', reason: 'not-council-business' }));
    expect(e).toMatchObject({ code: 'conflict', rule: 'already-decided' });
    expect((await refused(svc.decide(actors.authoriser, 'br-nope', { decision: 'approve' }))).code).toBe('not-found');
  });

  it('declines for non-council premises or non-members only when the request says so', async () => {
    const { svc } = service();
    const plain = await svc.request(actors.labourLeader, LABOUR_REQUEST);
    expect(await refused(svc.decide(actors.authoriser, plain.id, { decision: 'decline', reason: 'non-council-premises' }))).toMatchObject({
      code: 'invalid',
      rule: 'reason-does-not-apply',
    });
    expect(await refused(svc.decide(actors.authoriser, plain.id, { decision: 'decline', reason: 'non-members-present' }))).toMatchObject({
      rule: 'reason-does-not-apply',
    });
    const pub = await svc.request(actors.toryLeader, { ...LABOUR_REQUEST, premises: { councilControlled: false, description: 'The Red Lion function room' } });
    expect((await svc.decide(actors.authoriser, pub.id, { decision: 'decline', reason: 'non-council-premises' })).request.status).toBe('declined');
    const guests = await svc.request(actors.libdemLeader, { ...LABOUR_REQUEST, nonMembersPresent: true });
    expect((await svc.decide(actors.authoriser, guests.id, { decision: 'decline', reason: 'non-members-present' })).request.decision).toMatchObject({
      reason: 'non-members-present',
      by: 'o-murray',
    });
  });

  it('declines a duplicate only when another live request on the same matter exists', async () => {
    const { svc } = service();
    const first = await svc.request(actors.labourLeader, LABOUR_REQUEST);
    expect(await refused(svc.decide(actors.authoriser, first.id, { decision: 'decline', reason: 'duplicate' }))).toMatchObject({
      rule: 'reason-does-not-apply',
    });
    const again = await svc.request(actors.labourLeader, { ...LABOUR_REQUEST, matter: 'LOCAL PLAN review – housing site allocations!' });
    expect((await svc.decide(actors.authoriser, again.id, { decision: 'decline', reason: 'duplicate' })).request.status).toBe('declined');
  });

  it('defers, then approves a deferred request', async () => {
    const { svc } = service();
    const req = await svc.request(actors.labourLeader, LABOUR_REQUEST);
    expect((await svc.decide(actors.authoriser, req.id, { decision: 'defer', until: '2026-12-01', note: 'after Cabinet' })).request.status).toBe('deferred');
    const { request, round } = await svc.decide(actors.authoriser, req.id, { decision: 'approve' });
    expect(request.status).toBe('approved');
    expect(round?.requestId).toBe(req.id);
  });

  it('requires a neutral offer title: one that names a group is refused', async () => {
    const { svc } = service();
    const req = await svc.request(actors.labourLeader, { ...LABOUR_REQUEST, matter: 'Labour Group budget priorities' });
    expect(await refused(svc.decide(actors.authoriser, req.id, { decision: 'approve' }))).toMatchObject({ code: 'invalid', rule: 'neutral-text' });
    expect(await refused(svc.decide(actors.authoriser, req.id, { decision: 'approve', offerTitle: 'Budget options (Tories asked)' }))).toMatchObject({
      rule: 'neutral-text',
    });
    const { round } = await svc.decide(actors.authoriser, req.id, { decision: 'approve', offerTitle: 'Budget 2027/28 options' });
    expect(round?.title).toBe('Budget 2027/28 options');
  });
});

describe('pre-election periods', () => {
  const briefings = '  preElectionPeriods:\n    - { name: County elections 2027, start: 2027-03-22, end: 2027-05-06 }\n';

  it('defers a request made in a pre-election period by default, and tells the group', async () => {
    const { svc, store } = service({ briefings, clock: clock('2027-04-12T09:00:00Z') });
    const req = await svc.request(actors.labourLeader, LABOUR_REQUEST);
    expect(req).toMatchObject({ status: 'deferred', autoDeferred: { reason: 'pre-election', period: 'County elections 2027' } });
    const outbox = await store.outbox();
    expect(outbox.flatMap((o) => o.noticeIds).some((id) => id.includes('-deferred-'))).toBe(true);
  });

  it('defers by the preferred date too, and needs an explicit override to approve', async () => {
    const { svc } = service({ briefings });
    const req = await svc.request(actors.labourLeader, { ...LABOUR_REQUEST, preferredDate: '2027-04-01' });
    expect(req.status).toBe('deferred');
    expect(await refused(svc.decide(actors.authoriser, req.id, { decision: 'approve' }))).toMatchObject({ code: 'conflict', rule: 'pre-election' });
    expect((await svc.decide(actors.authoriser, req.id, { decision: 'approve', overridePreElection: true })).request.status).toBe('approved');
  });

  it('may be declined with the pre-election reason, and not otherwise', async () => {
    const { svc } = service({ briefings, clock: clock('2027-04-12T09:00:00Z') });
    const req = await svc.request(actors.labourLeader, LABOUR_REQUEST);
    expect((await svc.decide(actors.authoriser, req.id, { decision: 'decline', reason: 'pre-election' })).request.status).toBe('declined');
    const { svc: outside } = service({ briefings });
    const other = await outside.request(actors.labourLeader, LABOUR_REQUEST);
    expect(await refused(outside.decide(actors.authoriser, other.id, { decision: 'decline', reason: 'pre-election' }))).toMatchObject({
      rule: 'reason-does-not-apply',
    });
  });

  it('leaves requests for decision when the council sets preElection: allow', async () => {
    const { svc } = service({ briefings: `${briefings}  preElection: allow\n`, clock: clock('2027-04-12T09:00:00Z') });
    expect((await svc.request(actors.labourLeader, LABOUR_REQUEST)).status).toBe('pending');
  });
});

describe('withdrawal', () => {
  it("withdraws the requester's own briefing and leaves every other group's offer standing", async () => {
    const { svc } = service();
    const req = await svc.request(actors.labourLeader, LABOUR_REQUEST);
    const { round } = await svc.decide(actors.authoriser, req.id, { decision: 'approve' });
    await svc.respondToOffer(actors.toryLeader, round!.offerIds[1]!, 'accept');
    expect((await svc.withdraw(actors.labourLeader, req.id)).status).toBe('withdrawn');
    const view = await svc.roundView(round!.id);
    expect(view.offers.map((o) => [o.party.id, o.status])).toEqual([
      ['labour', 'withdrawn'],
      ['conservative', 'accepted'],
      ['libdem', 'open'],
      ['green', 'open'],
      ['ashcombe-first', 'open'],
    ]);
    expect(await refused(svc.withdraw(actors.toryLeader, req.id))).toMatchObject({ code: 'not-found' });
  });
});
