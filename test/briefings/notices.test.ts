import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { actors, LABOUR_REQUEST, SHA } from './fixtures.js';
import { SlackStub, SmtpSink } from './sinks.js';
import { settled, until, world, type World } from './world.js';

const EMAIL = {
  hale: 'ruth.hale@ashcombe.gov.uk',
  webb: 'tom.webb@ashcombe.gov.uk',
  khan: 'imran.khan@ashcombe.gov.uk',
  doyle: 'fiona.doyle@ashcombe.gov.uk',
  moss: 'priya.moss@ashcombe.gov.uk',
  byrne: 'sean.byrne@ashcombe.gov.uk',
  hughes: 'lisa.hughes@ashcombe.gov.uk',
  carter: 'helen.carter@ashcombe.gov.uk',
};
const LEAKS = ['Labour', 'Hale', LABOUR_REQUEST.details, 'Northgate allocation'];

let smtp: SmtpSink;
let slack: SlackStub;
let reject: (to: string[], count: number) => number | undefined = () => undefined;
let w: World;

beforeAll(async () => {
  smtp = await SmtpSink.start({ reply: (mail, count) => reject(mail.envelopeTo, count) });
  slack = await SlackStub.start();
});
afterAll(async () => {
  await smtp.stop();
  await slack.stop();
});
afterEach(async () => {
  reject = () => undefined;
  smtp.mails.length = 0;
  slack.calls.length = 0;
  await w?.close();
});

async function approvedRound() {
  w = await world({ smtp, slack, label: 'notices' });
  const req = await w.svc.request(actors.labourLeader, LABOUR_REQUEST);
  const { round } = await w.svc.decide(actors.authoriser, req.id, { decision: 'approve' });
  const view = await w.svc.roundView(round!.id);
  const offer = (party: string) => view.offers.find((o) => o.party.id === party)!;
  const noticeIds = view.offers.flatMap((o) => o.noticeIds);
  return { req, round: round!, view, offer, noticeIds };
}

describe('round notices by email and Slack (real Redis, BullMQ, SMTP sink, Slack stub)', () => {
  it('sends every group its notice once, by email and Slack DM, and none names the requesting group', async () => {
    const { round, noticeIds, offer } = await approvedRound();
    await settled(w, noticeIds);
    // One copy per contact (each with their own answer link): the Conservatives' leader and deputy get one each.
    expect(smtp.mails).toHaveLength(6);
    const expected: Record<string, string[]> = {
      conservative: [EMAIL.webb, EMAIL.khan],
      libdem: [EMAIL.doyle],
      green: [EMAIL.moss],
      'ashcombe-first': [EMAIL.byrne],
    };
    for (const [party, to] of Object.entries(expected)) {
      const id = `${offer(party).id}-offer-email`;
      const mails = smtp.mails.filter((m) => m.notice === id);
      expect(mails.flatMap((m) => m.envelopeTo).sort()).toEqual([...to].sort());
      const links = new Set<string>();
      for (const mail of mails) {
        expect(mail.envelopeTo).toHaveLength(1);
        const person = offer(party).party.contacts.find((c) => mail.messageId === `<${id}.${c}@ashcombe.gov.uk>`);
        expect(person, mail.messageId).toBeDefined();
        expect(mail.subject).toContain(LABOUR_REQUEST.matter);
        for (const leak of LEAKS) expect(`${mail.subject}\n${mail.text}`).not.toContain(leak);
        links.add(/https:\/\/probity\.ashcombe\.gov\.uk\/answer\/ol1\.[\w.-]+/.exec(mail.text)![0]);
      }
      expect(links.size).toBe(mails.length); // each contact has a link of their own
    }
    const confirmation = smtp.to(EMAIL.hale);
    expect(confirmation).toHaveLength(1);
    expect(confirmation[0]!.subject).toMatch(/agreed/);

    const opened = slack.calls
      .filter((c) => c.method === 'conversations.open')
      .map((c) => c.params.users)
      .sort();
    expect(opened).toEqual(['U0BYRNE', 'U0DOYLE', 'U0HALE', 'U0KHAN', 'U0MOSS', 'U0WEBB']);
    expect(slack.posts()).toHaveLength(6);
    for (const post of slack.posts().filter((p) => p.params.channel !== 'DU0HALE')) {
      for (const leak of LEAKS) expect(post.params.text).not.toContain(leak);
    }

    const after = await w.svc.roundView(round.id);
    expect(after.offers.flatMap((o) => o.notices).every((n) => n.state === 'sent' && n.attempts === 1)).toBe(true);
    await until(async () => (await w.svc.roundView(round.id)).noticesSettledAt, 'round parent job');
    const events = await w.store.auditEvents();
    expect(events.filter((e) => e.action === 'notice.sent')).toHaveLength(10);
    expect(events.find((e) => e.action === 'round.notices-settled')!.note).toBe('sent 10, failed 0, other 0');
  });

  it('never sends twice: a duplicate job, a re-added flow and a direct re-delivery all find the sent-marker', async () => {
    const { noticeIds, round } = await approvedRound();
    await settled(w, noticeIds);
    const before = { mails: smtp.mails.length, posts: slack.posts().length };
    await w.dispatcher.queue.add('notice', { noticeId: noticeIds[1]! }, { jobId: `again-${noticeIds[1]}` });
    await w.store.commit(
      await w.store.head(),
      { puts: [], indexes: [], outbox: [{ id: 'replay', kind: 'round', roundId: round.id, noticeIds }] },
      [],
      await w.store.head(),
    );
    await w.dispatcher.flush();
    expect(await w.processor.deliver(noticeIds[0]!)).toBe('already-sent');
    await until(async () => (await w.dispatcher.queue.getJobState(`again-${noticeIds[1]}`)) === 'completed');
    expect(await w.dispatcher.queue.getJob(`again-${noticeIds[1]}`).then((j) => j?.returnvalue)).toBe('already-sent');
    expect(smtp.mails.length).toBe(before.mails);
    expect(slack.posts().length).toBe(before.posts);
  });

  it('fails one unreachable group permanently without holding up the round, and retries a temporary failure', async () => {
    let tries451 = 0;
    reject = (to) => {
      if (to.includes(EMAIL.moss)) return 550;
      if (to.includes(EMAIL.doyle) && tries451++ === 0) return 451;
      return undefined;
    };
    const { noticeIds, offer, round } = await approvedRound();
    await settled(w, noticeIds);
    const green = (await w.svc.notice(`${offer('green').id}-offer-email`))!;
    expect(green).toMatchObject({ state: 'failed', lastError: 'SMTP 550 (cllr-moss)', attempts: 1 });
    const libdem = (await w.svc.notice(`${offer('libdem').id}-offer-email`))!;
    expect(libdem).toMatchObject({ state: 'sent', attempts: 2 });
    expect(smtp.to(EMAIL.doyle)).toHaveLength(1);
    const settledRound = await until(async () => (await w.svc.roundView(round.id)).noticesSettledAt);
    expect(settledRound).toBeTruthy();
    const events = await w.store.auditEvents();
    expect(events.some((e) => e.action === 'notice.failed' && e.entity.id === green.id)).toBe(true);
    expect(events.some((e) => e.action === 'notice.retrying' && e.entity.id === libdem.id)).toBe(true);
  });

  it('waits out a Slack 429 and then sends', async () => {
    slack.rateLimitNext = 1;
    const { noticeIds } = await approvedRound();
    await settled(w, noticeIds);
    const slackNotices = await w.store.reader().getMany(
      'notice',
      noticeIds.filter((id) => id.endsWith('-slack')),
    );
    expect(slackNotices.every((n) => n.state === 'sent')).toBe(true);
    expect(slack.posts()).toHaveLength(6);
  });

  it('queues reminders and expiry as delayed jobs, which remind and expire when they run', async () => {
    const { offer } = await approvedRound();
    const green = offer('green');
    await until(async () => (await w.dispatcher.queue.getJob(`${green.id}-expire`)) !== undefined);
    const expire = (await w.dispatcher.queue.getJob(`${green.id}-expire`))!;
    const reminder = (await w.dispatcher.queue.getJob(`${green.id}-reminder1`))!;
    expect(await expire.getState()).toBe('delayed');
    expect(expire.timestamp + expire.delay).toBeGreaterThanOrEqual(Date.parse(green.expiresAt!) - 1000);
    expect(reminder.data).toEqual({ offerId: green.id, reminder: 1 });

    // Run them as the worker would when their time comes.
    w.clock.set(green.remindAt[0]!);
    expect(await w.processor.process(reminder)).toEqual({ reminders: 2 });
    await settled(w, [`${green.id}-reminder1-email`]);
    expect(smtp.mails.filter((m) => m.notice === `${green.id}-reminder1-email`)).toHaveLength(1);
    w.clock.set(green.expiresAt!);
    expect(await w.processor.process(expire)).toEqual({ status: 'expired' });
  });
});

describe('session invites, follow-ups and the same-matter notice', () => {
  it('sends an iCalendar invite with a stable UID and a SEQUENCE that rises on each change', async () => {
    const { offer } = await approvedRound();
    await w.svc.respondToOffer(actors.toryLeader, offer('conservative').id, 'accept');
    const session = await w.svc.scheduleSession(actors.office, {
      offerId: offer('conservative').id,
      officers: ['o-hughes'],
      venue: 'Committee Room 2, Civic Centre',
      startsAt: '2026-12-02T17:00:00Z',
      endsAt: '2026-12-02T18:00:00Z',
      material: { version: 'v1', sha256: SHA },
    });
    const [invitation] = await w.svc.listInvitations(actors.hughes);
    await settled(w, [`${session.id}-s0-email`, `${invitation!.id}-s0-email`]);
    // The group's leader and deputy each get the session notice; the officer gets her own invitation.
    expect(
      smtp.mails
        .filter((m) => m.notice === `${session.id}-s0-email`)
        .flatMap((m) => m.envelopeTo)
        .sort(),
    ).toEqual([EMAIL.khan, EMAIL.webb].sort());
    const first = smtp.mails.find((m) => m.notice === `${session.id}-s0-email`)!;
    expect(first.text).toContain(SHA);
    const officerMail = smtp.mails.find((m) => m.notice === `${invitation!.id}-s0-email`)!;
    expect(officerMail.envelopeTo).toEqual([EMAIL.hughes]);
    expect(officerMail.text).toContain('You are invited to brief the Conservative Group');
    expect(officerMail.text).toMatch(/\/answer\/ol1\./);
    expect(officerMail.calendar).toContain(`UID:${session.id}@ashcombe.gov.uk`);
    const uid = `UID:${session.id}@ashcombe.gov.uk`;
    expect(first.calendar).toContain(uid);
    expect(first.calendar).toContain('SEQUENCE:0');
    expect(first.calendar).toContain('METHOD:REQUEST');

    await w.svc.changeSession(actors.office, session.id, { venue: 'Council Chamber' });
    await settled(w, [`${session.id}-s1-email`]);
    const second = smtp.mails.find((m) => m.notice === `${session.id}-s1-email`)!;
    expect(second.calendar).toContain(uid);
    expect(second.calendar).toContain('SEQUENCE:1');
    expect(second.calendar).toContain('LOCATION:Council Chamber');

    await w.svc.changeSession(actors.office, session.id, { cancel: true });
    await settled(w, [`${session.id}-s2-email`]);
    const third = smtp.mails.find((m) => m.notice === `${session.id}-s2-email`)!;
    expect(third.calendar).toContain('METHOD:CANCEL');
    expect(third.calendar).toContain('SEQUENCE:2');
  });

  it('sends a follow-up answer to every group that took the briefing up and to no other', async () => {
    const { offer, round } = await approvedRound();
    await w.svc.respondToOffer(actors.toryLeader, offer('conservative').id, 'accept');
    await w.svc.respondToOffer(actors.greenLeader, offer('green').id, 'decline');
    const fu = await w.svc.followUp(actors.hughes, round.id, { answer: 'The Northgate site yield is 240 homes.' });
    const ids = fu.offerIds.map((id) => `${fu.id}-${id}-email`);
    await settled(w, ids);
    const got = smtp.mails.filter((m) => ids.includes(m.notice));
    expect(got.flatMap((m) => m.envelopeTo).sort()).toEqual([EMAIL.hale, EMAIL.khan, EMAIL.webb].sort());
    expect(got.every((m) => m.text.includes('240 homes'))).toBe(true);
  });

  it("emails the chief executive when an officer's decline breaks the same-matter rule", async () => {
    const { offer } = await approvedRound();
    await w.svc.respondToOffer(actors.toryLeader, offer('conservative').id, 'accept');
    const base = { officers: ['o-hughes'], venue: 'Room 1', material: { version: 'v1', sha256: SHA } };
    await w.svc.scheduleSession(actors.office, { ...base, offerId: offer('labour').id, startsAt: '2026-12-01T17:00:00Z', endsAt: '2026-12-01T18:00:00Z' });
    await w.svc.scheduleSession(actors.office, {
      ...base,
      offerId: offer('conservative').id,
      startsAt: '2026-12-02T17:00:00Z',
      endsAt: '2026-12-02T18:00:00Z',
    });
    const invitations = await w.svc.listInvitations(actors.hughes);
    await w.svc.respondToInvitation(actors.hughes, invitations.find((i) => i.party === 'labour')!.id, 'accept');
    const tory = invitations.find((i) => i.party === 'conservative')!;
    await expect(w.svc.respondToInvitation(actors.hughes, tory.id, 'decline', 'I am on leave that week')).rejects.toMatchObject({ rule: 'same-matter' });
    await settled(w, [`${tory.id}-refused1-email`]);
    const [mail] = smtp.to(EMAIL.carter).filter((m) => m.notice === `${tory.id}-refused1-email`);
    expect(mail!.text).toContain('Lisa Hughes');
    expect(mail!.text).toContain('Conservative Group');
    // The officer's own reason, not "see the audit trail".
    expect(mail!.text).toContain('Reason the officer gave: I am on leave that week');
    expect(mail!.text).not.toContain('see the audit trail');
  });
});
