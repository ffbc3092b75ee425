/**
 * The ledger in words for the office page (src/briefings/words.ts and the service's readings of it): working
 * days left with the next reminder over Christmas, delivery problems without transport codes alone, and the audit
 * trail as sentences with names: an officer's refused decline reads as the issue asks.
 */
import { describe, expect, it } from 'vitest';
import { offerTimes, WorkingCalendar } from '../../src/directory/working-days.js';
import { deliveryProblem, dueText, sessionTime } from '../../src/briefings/words.js';
import { actors, clock as settableClock, LABOUR_REQUEST, service, SHA } from './fixtures.js';

const LONDON = new WorkingCalendar({ region: 'ENG', closureDays: [], timezone: 'Europe/London', workingHours: { start: 8, end: 18 } });

describe('time left on an offer', () => {
  it("counts working days over Christmas in the council's zone and names the next reminder", () => {
    // Offered Tue 22 Dec 2026: 25 and 28 Dec are bank holidays, so the fifth working day is Thu 31 Dec.
    const times = offerTimes(LONDON, new Date('2026-12-22T10:00:00Z'), { expiryWorkingDays: 5, reminderWorkingDays: [4] });
    const offer = { status: 'open' as const, expiresAt: times.expiresAt.toISOString(), remindAt: times.remindAt.map((d) => d.toISOString()) };
    expect(dueText(new Date('2026-12-24T12:00:00Z'), offer, LONDON)).toEqual({
      text: '3 working days left (reminder Wed 30 Dec)',
      deadline: '18:00 Thu 31 Dec (London time, GMT)',
    });
    expect(dueText(new Date('2026-12-30T09:00:00Z'), offer, LONDON)!.text).toBe('1 working day left (no reminder left)');
    expect(dueText(new Date('2026-12-31T09:00:00Z'), offer, LONDON)!.text).toBe('closes today at 18:00 (no reminder left)');
    expect(dueText(new Date('2026-12-31T18:00:00Z'), offer, LONDON)!.text).toBe('closed');
    expect(dueText(new Date('2026-12-24T12:00:00Z'), { ...offer, status: 'accepted' }, LONDON)!.text).toBe('closed');
  });

  it('labels summer times with BST and a session across the clocks with the zone it starts in', () => {
    expect(sessionTime('2026-06-09T16:00:00Z', '2026-06-09T17:00:00Z', 'Europe/London')).toBe('Tue 9 Jun, 17:00–18:00 (London time, BST)');
  });
});

describe('delivery problems', () => {
  it('puts an SMTP outage and Slack errors in words, keeping the code for IT', () => {
    expect(deliveryProblem('SMTP ESOCKET')).toBe("the council's mail server could not be reached (SMTP ESOCKET)");
    expect(deliveryProblem('SMTP ECONNECTION')).toBe("the council's mail server could not be reached (SMTP ECONNECTION)");
    expect(deliveryProblem('SMTP 550')).toBe('the mail server refused it for good, for example an address that does not exist (SMTP 550)');
    expect(deliveryProblem('SMTP 421')).toBe('the mail server asked Probity to try later (SMTP 421)');
    expect(deliveryProblem('slack: user_not_found')).toBe('Slack does not know this person (check their Slack id in council.yaml) (slack: user_not_found)');
    expect(deliveryProblem('no recipient has an email address')).toBe('no recipient has an email address');
    expect(deliveryProblem(undefined)).toBe('not sent');
  });
});

describe('the audit trail in words', () => {
  it('reads as sentences with names, and a refused decline says whose, why and when the other was accepted', async () => {
    const clock = settableClock();
    const { svc } = service({ clock });
    const req = await svc.request(actors.office, { ...LABOUR_REQUEST, requestedBy: 'cllr-hale', received: { at: '2026-11-24T08:30:00Z', via: 'email' } });
    const { round } = await svc.decide(actors.authoriser, req.id, { decision: 'approve' });
    const view = await svc.roundView(round!.id);
    const offer = (party: string) => view.offers.find((o) => o.party.id === party)!;
    await svc.respondToOffer(actors.toryLeader, offer('conservative').id, 'accept');
    const session = (offerId: string) =>
      svc.scheduleSession(actors.office, {
        offerId,
        officers: ['o-hughes'],
        venue: 'Committee Room 2',
        startsAt: '2026-12-08T17:00:00Z',
        endsAt: '2026-12-08T18:00:00Z',
        material: { version: 'v1', sha256: SHA },
      });
    await session(offer('labour').id);
    await session(offer('conservative').id);
    const invitations = await svc.listInvitations(actors.hughes);
    const labourInv = invitations.find((i) => i.party === 'labour')!;
    const toryInv = invitations.find((i) => i.party === 'conservative')!;
    clock.set('2026-12-02T10:00:00Z');
    await svc.respondToInvitation(actors.hughes, labourInv.id, 'accept');
    clock.set('2026-12-03T10:00:00Z');
    await expect(svc.respondToInvitation(actors.hughes, toryInv.id, 'decline', 'I am on leave that week')).rejects.toThrow(/same matter/);

    const words = (await svc.auditInWords(actors.office)).map((e) => e.text);
    expect(words).toContain(
      `Sarah Bell recorded a written request from Cllr Ruth Hale for the Labour Group (received by email 24 Nov 08:30): “${LABOUR_REQUEST.matter}”`,
    );
    expect(words).toContain(`Claire Murray approved the Labour Group’s request “${LABOUR_REQUEST.matter}”: every other group is offered the same briefing`);
    expect(words).toContain(
      `The briefing “${LABOUR_REQUEST.matter}” was offered to Conservative Group, Liberal Democrat Group, Green Group, Ashcombe First Independents`,
    );
    expect(words).toContain(`Cllr Tom Webb took up “${LABOUR_REQUEST.matter}” for the Conservative Group`);
    expect(words).toContain(
      'Sarah Bell scheduled the Conservative Group’s session: Tue 8 Dec, 17:00–18:00 (London time, GMT), Committee Room 2, with Lisa Hughes, material version v1',
    );
    expect(words).toContain('Lisa Hughes accepted the Labour invitation');
    expect(words).toContain(
      'Lisa Hughes declined the Conservative invitation — refused: same matter as Labour’s, accepted 2 Dec; their reason: “I am on leave that week”',
    );
    expect(words.join('\n')).not.toMatch(/\b(o|cllr)-[a-z]+\b|request\.created|offer\.accepted/);

    const [refusal] = await svc.refusals(actors.office);
    expect(refusal).toMatchObject({
      text: 'Lisa Hughes declined the Conservative invitation — refused: same matter as Labour’s, accepted 2 Dec',
      reason: 'I am on leave that week',
      officer: { id: 'o-hughes', name: 'Lisa Hughes' },
    });
    // Once the officer accepts after all, it no longer needs action.
    await svc.respondToInvitation(actors.hughes, toryInv.id, 'accept');
    expect(await svc.refusals(actors.office)).toEqual([]);
  });

  it('refuses a written request dated in the future, and a received date from a group itself', async () => {
    const { svc } = service();
    await expect(
      svc.request(actors.office, { ...LABOUR_REQUEST, requestedBy: 'cllr-hale', received: { at: '2030-01-01T00:00:00Z', via: 'letter' } }),
    ).rejects.toThrow('received.at: is in the future');
    await expect(svc.request(actors.labourLeader, { ...LABOUR_REQUEST, received: { at: '2026-11-24T08:00:00Z', via: 'email' } })).rejects.toThrow(
      /only the office/,
    );
  });
});
