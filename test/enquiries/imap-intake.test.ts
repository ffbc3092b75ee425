/**
 * Email intake against a real Dovecot started by the test: an officer's mailbox watched in IDLE, INBOX for the
 * councillor's messages and Sent for the officer's replies.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderWatcher } from '../../src/enquiries/imap-intake.js';
import type { IntakeResult } from '../../src/enquiries/service.js';
import { deletePrefix, sharedRedis, uniquePrefix } from '../briefings/redis-helpers.js';
import { Dovecot, DOVECOT_BIN, dovecotMailbox, withImap } from '../imap/dovecot.js';
import { rfc822 } from './mail.js';
import { world } from './world.js';

let redis: Redis;
let dovecot: Dovecot;
const prefix = uniquePrefix('enq-imap');
const watchers: FolderWatcher[] = [];

beforeAll(async () => {
  redis = sharedRedis();
  dovecot = new Dovecot();
  await dovecot.start();
  await withImap(dovecot, 'kasia.nowak', async (c) => {
    await c.mailboxCreate('Sent').catch(() => undefined);
  });
});
afterAll(async () => {
  for (const w of watchers) await w.stop();
  await dovecot?.dispose();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

describe.skipIf(!DOVECOT_BIN)('IMAP intake', () => {
  it('opens the enquiry from INBOX, acknowledges it from Sent, and a "thanks!" opens nothing', async () => {
    const w = world(redis, `${prefix}:data`);
    const results: IntakeResult[] = [];
    const waiters: (() => void)[] = [];
    const onIntake = (r: IntakeResult) => {
      results.push(r);
      waiters.splice(0).forEach((f) => f());
    };
    const next = (n: number) =>
      new Promise<IntakeResult>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no intake #${n}`)), 15_000);
        const check = () => (results.length >= n ? (clearTimeout(t), resolve(results[n - 1]!)) : waiters.push(check));
        check();
      });
    const mailbox = dovecotMailbox(dovecot, 'kasia.nowak', { id: 'kasia' });
    for (const folder of ['INBOX', 'Sent']) {
      const watcher = new FolderWatcher({ mailbox, folder, service: w.service, redis, prefix: `${prefix}:data`, rescanMs: 2_000, onIntake });
      watchers.push(watcher);
      watcher.start();
    }
    // Both folders have recorded where they start.
    for (let i = 0; i < 100 && (await redis.keys(`${prefix}:data:imap:*`)).length < 2; i++) await new Promise((r) => setTimeout(r, 100));

    const asked = rfc822({
      from: 'Cllr Megan Price <megan.price@ashcombe.gov.uk>',
      to: 'Kasia Nowak <kasia.nowak@ashcombe.gov.uk>',
      subject: 'Damp and mould - 22 Riverside Terrace',
      date: new Date('2026-04-02T09:30:00+01:00'),
      messageId: '<ask-1@ashcombe.gov.uk>',
      text: 'Hi Kasia,\n\nCould you find out when the surveyor can visit?\n\nMegan',
    });
    await withImap(dovecot, 'kasia.nowak', (c) => c.append('INBOX', asked));
    const opened = await next(1);
    expect(opened.action).toBe('opened');
    expect(opened.enquiry).toMatchObject({ councillor: 'cllr-price', officer: 'o-nowak', acknowledgeDay: '2026-04-08', answerDay: '2026-04-20' });

    const reply = rfc822({
      from: 'Kasia Nowak <kasia.nowak@ashcombe.gov.uk>',
      to: 'Cllr Megan Price <megan.price@ashcombe.gov.uk>',
      subject: 'RE: Damp and mould - 22 Riverside Terrace',
      date: new Date('2026-04-07T10:00:00+01:00'),
      messageId: '<reply-1@ashcombe.gov.uk>',
      inReplyTo: '<ask-1@ashcombe.gov.uk>',
      references: ['<ask-1@ashcombe.gov.uk>'],
      text: 'Dear Cllr Price,\n\nThank you for your email. I will look into this and come back to you.\n\nKasia',
    });
    await withImap(dovecot, 'kasia.nowak', (c) => c.append('Sent', reply));
    expect((await next(2)).action).toBe('acknowledged');

    const thanks = rfc822({
      from: 'megan.price@ashcombe.gov.uk',
      to: 'kasia.nowak@ashcombe.gov.uk',
      subject: 'RE: Damp and mould - 22 Riverside Terrace',
      date: new Date('2026-04-07T10:30:00+01:00'),
      messageId: '<thanks-1@ashcombe.gov.uk>',
      inReplyTo: '<reply-1@ashcombe.gov.uk>',
      references: ['<ask-1@ashcombe.gov.uk>', '<reply-1@ashcombe.gov.uk>'],
      text: 'Thanks!',
    });
    await withImap(dovecot, 'kasia.nowak', (c) => c.append('INBOX', thanks));
    expect((await next(3)).action).toBe('followed');
    expect(await w.store.openIds()).toEqual([opened.enquiry!.id]);
    expect((await w.store.get(opened.enquiry!.id))!.status).toBe('acknowledged');
  }, 60_000);
});
