import { describe, expect, it } from 'vitest';
import { actors, LABOUR_REQUEST, service, SHA, SHA2 } from './fixtures.js';

async function withSessions() {
  const s = service();
  const req = await s.svc.request(actors.labourLeader, LABOUR_REQUEST);
  const { round } = await s.svc.decide(actors.authoriser, req.id, { decision: 'approve' });
  const view = await s.svc.roundView(round!.id);
  const offer = (party: string) => view.offers.find((o) => o.party.id === party)!;
  await s.svc.respondToOffer(actors.toryLeader, offer('conservative').id, 'accept');
  await s.svc.respondToOffer(actors.libdemLeader, offer('libdem').id, 'decline');
  const base = { officers: ['o-hughes', 'o-patel'], venue: 'Committee Room 2, Civic Centre', material: { version: 'v1', sha256: SHA } };
  const labour = await s.svc.scheduleSession(actors.office, {
    ...base,
    offerId: offer('labour').id,
    startsAt: '2026-12-01T17:00:00Z',
    endsAt: '2026-12-01T18:00:00Z',
  });
  const tory = await s.svc.scheduleSession(actors.office, {
    ...base,
    offerId: offer('conservative').id,
    startsAt: '2026-12-02T17:00:00Z',
    endsAt: '2026-12-02T18:00:00Z',
  });
  const invitations = await s.svc.listInvitations(actors.office);
  const inv = (party: string, officer: string) => invitations.find((i) => i.party === party && i.officer === officer)!;
  return { ...s, round: round!, offer, labour, tory, inv };
}

describe('sessions', () => {
  it("records officers, venue, time and the material's version and SHA-256", async () => {
    const { labour } = await withSessions();
    expect(labour).toMatchObject({
      officers: ['o-hughes', 'o-patel'],
      venue: 'Committee Room 2, Civic Centre',
      startsAt: '2026-12-01T17:00:00.000Z',
      material: { version: 'v1', sha256: SHA },
      sequence: 0,
    });
    expect(labour.invitationIds).toHaveLength(2);
  });

  it('refuses a time a Date cannot hold (a leap second) by naming the field, whoever calls the service', async () => {
    const { svc, tory } = await withSessions();
    await expect(svc.changeSession(actors.office, tory.id, { endsAt: '2026-12-31T23:59:60Z' })).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringMatching(/^endsAt: .*leap second/),
    });
    await expect(svc.changeSession(actors.office, tory.id, { startsAt: 'soon' })).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringMatching(/^startsAt: /),
    });
  });

  it('only schedules sessions for an offer that was taken up', async () => {
    const { svc, offer } = await withSessions();
    await expect(
      svc.scheduleSession(actors.office, {
        offerId: offer('libdem').id,
        officers: ['o-hughes'],
        venue: 'x',
        startsAt: '2026-12-03T17:00:00Z',
        endsAt: '2026-12-03T18:00:00Z',
        material: { version: 'v1', sha256: SHA },
      }),
    ).rejects.toMatchObject({ code: 'conflict', rule: 'not-taken-up' });
  });

  it('bumps the iCalendar SEQUENCE on every change, and flags inconsistent material in the register', async () => {
    const { svc, tory, round } = await withSessions();
    const moved = await svc.changeSession(actors.office, tory.id, { startsAt: '2026-12-02T16:00:00Z', endsAt: '2026-12-02T17:00:00Z' });
    expect(moved.sequence).toBe(1);
    expect((await svc.register(actors.office)).every((r) => r.materialConsistent)).toBe(true);
    const changed = await svc.changeSession(actors.office, tory.id, { material: { version: 'v2', sha256: SHA2 } });
    expect(changed.sequence).toBe(2);
    const rows = (await svc.register(actors.office)).filter((r) => r.roundId === round.id);
    expect(rows.every((r) => r.materialConsistent === false)).toBe(true);
  });
});

describe('the same-matter rule (000 6.2, 003)', () => {
  it("refuses a decline from an officer who accepted another group's invitation on the matter, and routes it to the chief executive", async () => {
    const { svc, store, inv } = await withSessions();
    await svc.respondToInvitation(actors.hughes, inv('labour', 'o-hughes').id, 'accept');
    await expect(svc.respondToInvitation(actors.hughes, inv('conservative', 'o-hughes').id, 'decline', 'diary clash')).rejects.toMatchObject({
      code: 'conflict',
      rule: 'same-matter',
    });
    const still = (await svc.listInvitations(actors.hughes)).find((i) => i.id === inv('conservative', 'o-hughes').id)!;
    expect(still.status).toBe('pending');
    const events = await store.auditEvents();
    const refusal = events.find((e) => e.action === 'invitation.decline-refused')!;
    expect(refusal).toMatchObject({ actor: 'o-hughes', entity: { kind: 'invitation', id: still.id } });
    expect(refusal.note).toContain('diary clash');
    const ceNotice = await svc.notice(`${still.id}-refused1-email`);
    expect(ceNotice).toMatchObject({ kind: 'same-matter', to: ['o-carter'], party: 'chief-executive', state: 'queued' });
    expect((await store.outbox()).some((o) => o.noticeIds.includes(`${still.id}-refused1-email`))).toBe(true);
  });

  it("lets an officer decline when they have accepted no other group's invitation on the matter", async () => {
    const { svc, inv } = await withSessions();
    expect((await svc.respondToInvitation(actors.patel, inv('labour', 'o-patel').id, 'decline')).status).toBe('declined');
    expect((await svc.respondToInvitation(actors.patel, inv('conservative', 'o-patel').id, 'accept')).status).toBe('accepted');
    // Declining the same group's invitation again (a change of mind) is not "another group's".
    await svc.respondToInvitation(actors.hughes, inv('labour', 'o-hughes').id, 'accept');
    expect((await svc.respondToInvitation(actors.hughes, inv('labour', 'o-hughes').id, 'decline')).status).toBe('declined');
  });

  it("does not let an officer answer another officer's invitation", async () => {
    const { svc, inv } = await withSessions();
    await expect(svc.respondToInvitation(actors.patel, inv('labour', 'o-hughes').id, 'accept')).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('follow-up answers', () => {
  it('go to every group that took the briefing up, and to no other', async () => {
    const { svc, round, offer } = await withSessions();
    const fu = await svc.followUp(actors.hughes, round.id, { answer: 'The Northgate site yield is 240 homes, not 200.' });
    expect(fu.offerIds.sort()).toEqual([offer('labour').id, offer('conservative').id].sort());
    const notices = await Promise.all(fu.offerIds.map((id) => svc.notice(`${fu.id}-${id}-email`)));
    expect(notices.map((n) => n!.party).sort()).toEqual(['conservative', 'labour']);
  });

  it('come only from the office or an officer briefing in that round, not from any officer', async () => {
    const { svc, round, inv } = await withSessions();
    const ford = { id: 'o-ford', role: 'officer' } as const;
    await expect(svc.followUp(ford, round.id, { answer: 'The figure is 240.' })).rejects.toMatchObject({
      code: 'forbidden',
      message: `only the office, or an officer briefing in round ${round.id} (named in its request or invited to one of its sessions and not declined), sends its follow-ups`,
    });
    // Amir Patel was not named in the request but is invited to the sessions: he may, until he declines them all.
    expect((await svc.followUp(actors.patel, round.id, { answer: 'The figure is 240.' })).by).toBe('o-patel');
    for (const party of ['labour', 'conservative']) await svc.respondToInvitation(actors.patel, inv(party, 'o-patel').id, 'decline');
    await expect(svc.followUp(actors.patel, round.id, { answer: 'The figure is 250.' })).rejects.toMatchObject({ code: 'forbidden' });
    // An officer of another round is no more welcome here than any other.
    const other = await svc.request(actors.toryLeader, { matter: 'Waste collection contract', details: 'Options for the new contract.', officers: ['o-ford'] });
    await svc.decide(actors.authoriser, other.id, { decision: 'approve' });
    await expect(svc.followUp(ford, round.id, { answer: 'The figure is 240.' })).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('leave out a requester that withdrew, and refuse an answer naming a group', async () => {
    const { svc, round, req, offer } = await (async () => {
      const s = await withSessions();
      const req = (await s.svc.listRequests(actors.office))[0]!;
      return { ...s, req };
    })();
    await svc.withdraw(actors.labourLeader, req.id);
    const fu = await svc.followUp(actors.office, round.id, { answer: 'Corrected figures attached.' });
    expect(fu.offerIds).toEqual([offer('conservative').id]);
    await expect(svc.followUp(actors.office, round.id, { answer: 'As the Labour Group asked, the figure is 240.' })).rejects.toMatchObject({
      rule: 'neutral-text',
    });
  });
});
