/** The clock and what stops it, against a real Redis: opened, acknowledged, held, answered, by thread. */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deletePrefix, sharedRedis, uniquePrefix } from '../briefings/redis-helpers.js';
import { loadDetector } from '../../src/enquiries/load.js';
import { EnquiryService } from '../../src/enquiries/service.js';
import { EnquiryStore, emailThreadKey } from '../../src/enquiries/store.js';
import { email, world } from './world.js';

let redis: Redis;
const prefix = uniquePrefix('enq-service');
beforeAll(() => {
  redis = sharedRedis();
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

describe('the enquiry clock', () => {
  it('opens an enquiry received the Thursday before Easter with Wiltshire’s dates, and keeps no body', async () => {
    const { service, store } = world(redis, `${prefix}:a`);
    const first = email({ text: 'Hi Kasia,\n\nCould you find out when the surveyor can visit Ms Short? Her number is 07700 900418.\n\nMegan' });
    const r = await service.intake(first);
    expect(r.action).toBe('opened');
    const e = r.enquiry!;
    expect(e).toMatchObject({
      councillor: 'cllr-price',
      officer: 'o-nowak',
      service: 'housing',
      ward: 'Riverside',
      acknowledgeDay: '2026-04-08',
      answerDay: '2026-04-20',
      status: 'open',
    });
    expect(e.acknowledgeBy).toBe('2026-04-08T17:00:00.000Z');
    expect(e.periods.answer).toMatchObject({ workingDays: 10, source: 'pack', ref: 'Appendix 1, H', protocol: 'wiltshire' });
    expect(e.subject).toBe('Damp and mould - 22 Riverside Terrace');
    // Nothing of the body reaches Redis.
    const keys = await redis.keys(`${prefix}:a:*`);
    const values = await Promise.all(
      keys.map(async (k) => ((await redis.type(k)) === 'string' ? await redis.get(k) : JSON.stringify(await redis.lrange(k, 0, -1).catch(() => [])))),
    );
    expect(values.join(' ')).not.toMatch(/surveyor|07700|Ms Short/);
    expect((await store.events(e.id)).map((ev) => ev.type)).toEqual(['opened']);
  });

  it('follows the thread: acknowledgement, a holding reply that moves the date, the answer, and a "thanks!" that opens nothing', async () => {
    const { service, store } = world(redis, `${prefix}:b`);
    const first = email({ text: 'Kasia, could you find out where the inspection has got to?' });
    const opened = (await service.intake(first)).enquiry!;

    const ack = email({
      from: 'kasia.nowak@ashcombe.gov.uk',
      to: ['megan.price@ashcombe.gov.uk'],
      subject: 'RE: Damp and mould - 22 Riverside Terrace',
      inReplyTo: first.messageId!,
      references: [first.messageId!],
      receivedAt: new Date('2026-04-07T10:00:00+01:00'),
      text: 'Dear Cllr Price,\n\nThank you for your email. I will look into this and come back to you.\n\nKasia',
    });
    expect((await service.intake(ack)).action).toBe('acknowledged');

    const holding = email({
      from: 'kasia.nowak@ashcombe.gov.uk',
      to: ['megan.price@ashcombe.gov.uk'],
      subject: 'RE: Damp and mould - 22 Riverside Terrace',
      inReplyTo: ack.messageId!,
      references: [first.messageId!, ack.messageId!],
      receivedAt: new Date('2026-04-17T11:00:00+01:00'),
      text: "Dear Cllr Price,\n\nI am sorry this is taking longer: we are waiting for the surveyor's damp report. I have asked the contractor to send it this week and I will write to you with a full answer by Friday 1 May.\n\nKasia",
    });
    const held = await service.intake(holding);
    expect(held.action).toBe('held');
    expect(held.enquiry).toMatchObject({ answerDay: '2026-05-01', status: 'acknowledged', version: 2 });
    expect(held.enquiry!.holdings[0]).toMatchObject({ previousDue: '2026-04-20', newDue: '2026-05-01', gaveReason: true, gaveAction: true });

    const thanks = email({
      from: 'megan.price@ashcombe.gov.uk',
      to: ['kasia.nowak@ashcombe.gov.uk'],
      subject: 'RE: Damp and mould',
      inReplyTo: holding.messageId!,
      references: [first.messageId!, holding.messageId!],
      text: 'Thanks!',
    });
    expect((await service.intake(thanks)).action).toBe('followed');

    const answerMail = email({
      from: 'kasia.nowak@ashcombe.gov.uk',
      to: ['megan.price@ashcombe.gov.uk'],
      subject: 'RE: Damp and mould - 22 Riverside Terrace',
      inReplyTo: thanks.messageId!,
      references: [first.messageId!, thanks.messageId!],
      receivedAt: new Date('2026-04-29T15:00:00+01:00'),
      text: 'Dear Cllr Price,\n\nThe survey found that the cavity insulation has failed on the back wall. The contractor will remove it and dry the wall out, starting on 11 May; the work takes about three weeks and Ms Short can stay in the flat throughout. The extractor fan in the bathroom will be replaced at the same time.\n\nKasia',
    });
    const answered = await service.intake(answerMail);
    expect(answered.action).toBe('answered');
    expect(answered.enquiry!.status).toBe('answered');

    const thanksAgain = email({
      from: 'megan.price@ashcombe.gov.uk',
      subject: 'RE: Damp and mould',
      inReplyTo: answerMail.messageId!,
      references: [first.messageId!, answerMail.messageId!],
      text: 'Thanks!',
    });
    expect((await service.intake(thanksAgain)).action).toBe('followed');
    expect((await store.events(opened.id)).map((ev) => ev.type)).toEqual(['opened', 'acknowledged', 'holding', 'answered']);
    // Resolved: its keys now expire with the council's retention.
    expect(await redis.pttl(`${prefix}:b:e:${opened.id}`)).toBeGreaterThan(0);
    expect(await store.openIds()).toEqual([]);
  });

  it('a new question in an answered thread is a new enquiry', async () => {
    const { service } = world(redis, `${prefix}:c`);
    const first = email({ text: 'Kasia, could you check the repair date?' });
    const e = (await service.intake(first)).enquiry!;
    await service.markAnswered(e.id, 'o-nowak');
    const follow = email({
      subject: 'RE: Damp',
      inReplyTo: first.messageId!,
      references: [first.messageId!],
      text: 'Thanks Kasia. Is the contractor being penalised for the delay?',
    });
    const r = await service.intake(follow);
    expect(r.action).toBe('opened');
    expect(r.enquiry!.id).not.toBe(e.id);
  });

  it('opens nothing for thanks, FYI or chat, and stores nothing for them', async () => {
    const { service } = world(redis, `${prefix}:d`);
    for (const text of ['Thanks!', 'FYI the residents meeting has moved to Thursday. No need to reply.', 'How was your holiday?']) {
      expect((await service.intake(email({ text }))).action).toBe('ignored');
    }
    expect(await redis.keys(`${prefix}:d:*`)).toEqual([]);
  });

  it('closes a wrong one in one click, records a telephone enquiry, and assigns a mailbox enquiry to the officer who replies', async () => {
    const { service } = world(redis, `${prefix}:e`);
    const wrong = (await service.intake(email({ text: 'Could you pass this on to the team?' })))!.enquiry!;
    expect((await service.close(wrong.id, 'cllr-price')).status).toBe('closed');
    const phone = await service.record({ councillor: 'cllr-webb', officer: 'o-murray', subject: 'Phone call: Hillcrest bins', by: 'o-bell' });
    expect(phone).toMatchObject({ channel: 'phone', service: 'place', ward: 'Hillcrest' });
    const first = email({ to: ['member.enquiries@ashcombe.gov.uk'], text: 'Please can someone clear the gully outside 14 Canal Street?' });
    const mb = (await service.intake(first)).enquiry!;
    expect(mb.officer).toBeUndefined();
    expect(mb.mailbox).toBe('member.enquiries@ashcombe.gov.uk');
    const reply = email({
      from: 'jamie.reid@ashcombe.gov.uk',
      to: ['megan.price@ashcombe.gov.uk'],
      inReplyTo: first.messageId!,
      text: 'Thank you for your email. I have passed it to the drainage team and will come back to you.',
    });
    const r = await service.intake(reply);
    expect(r.action).toBe('acknowledged');
    expect(r.enquiry).toMatchObject({ officer: 'o-reid', service: 'environmental-health', status: 'acknowledged' });
  });

  it("forgets a resolved enquiry after the council's retention period, record, thread and indexes", async () => {
    const w = world(redis, `${prefix}:f`);
    const store = new EnquiryStore(redis, `${prefix}:f`, 300);
    const service = new EnquiryService({
      council: w.council,
      settings: w.settings,
      store,
      detector: loadDetector(w.council),
      clock: () => new Date(),
      newId: () => `enq-ret${Math.random().toString(16).slice(2, 8)}`,
    });
    const first = email({ receivedAt: new Date(), text: 'Kasia, could you check the repair date?' });
    const e = (await service.intake(first)).enquiry!;
    await service.markAnswered(e.id, 'o-nowak');
    expect(await store.byThread([emailThreadKey(first.messageId!)])).toBe(e.id);
    await new Promise((r) => setTimeout(r, 500));
    expect(await store.get(e.id)).toBeUndefined();
    expect(await store.byThread([emailThreadKey(first.messageId!)])).toBeUndefined();
    expect(await store.prune(Date.now() + 1_000)).toBe(1);
    expect(await redis.zscore(`${prefix}:f:i:all`, e.id)).toBeNull();
    expect(await store.ofCouncillor('cllr-price')).toEqual([]);
  });

  it('an officer passing the enquiry to a colleague in the thread neither acknowledges nor answers it', async () => {
    const { service } = world(redis, `${prefix}:g`);
    const first = email({ text: 'Kasia, could you find out where the inspection has got to?' });
    const e = (await service.intake(first)).enquiry!;
    const passOn = email({
      from: 'kasia.nowak@ashcombe.gov.uk',
      to: ['jamie.reid@ashcombe.gov.uk'],
      subject: 'FW: Damp and mould - 22 Riverside Terrace',
      inReplyTo: first.messageId!,
      references: [first.messageId!],
      text: 'Jamie, this one is yours I think - the damp is in a private let. Can you pick it up with Cllr Price?',
    });
    expect((await service.intake(passOn)).action).toBe('followed');
    expect((await service.get(e.id))!.status).toBe('open');
  });
});
