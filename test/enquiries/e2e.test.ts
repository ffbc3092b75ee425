/**
 * End to end, every part real: Redis with AOF (its own server, crashed and restarted halfway), Dovecot started by
 * the test (an officer's INBOX and Sent watched in IDLE), the BullMQ worker sending to an SMTP sink and a Slack
 * stub, the API app, and Chromium. A councillor emails an officer on the Thursday before Easter; Probity opens the
 * enquiry with the right dates; the officer is reminded and acknowledges from the reminder's link; a holding reply
 * moves the date; the answer closes it; the councillor's page shows each step; a "thanks!" opens nothing.
 * Time passes by moving the test clock and promoting the delayed job that was due.
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderWatcher } from '../../src/enquiries/imap-intake.js';
import { ENQUIRIES_QUEUE, JobScheduler, NoticeProcessor, jobId } from '../../src/enquiries/queue.js';
import { EmailNoticeSender, SlackNoticeSender } from '../../src/enquiries/senders.js';
import type { IntakeResult } from '../../src/enquiries/service.js';
import { OwnRedis } from '../briefings/redis-helpers.js';
import { SlackStub, SmtpSink } from '../briefings/sinks.js';
import { signInAs } from '../helpers/sign-in.js';
import { Dovecot, DOVECOT_BIN, dovecotMailbox, withImap } from '../imap/dovecot.js';
import { enquiryApp, SECRET } from './app.js';
import { rfc822 } from './mail.js';
import { world } from './world.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const at = (iso: string) => new Date(iso);
let own: OwnRedis;
let redis: Redis;
let dovecot: Dovecot;
let sink: SmtpSink;
let slack: SlackStub;
let browser: Browser;
const closers: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  own = await OwnRedis.start();
  redis = new Redis(own.url, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined);
  dovecot = new Dovecot();
  await dovecot.start();
  await withImap(dovecot, 'kasia.nowak', (c) => c.mailboxCreate('Sent').catch(() => undefined));
  sink = await SmtpSink.start();
  slack = await SlackStub.start();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 60_000);
afterAll(async () => {
  while (closers.length) await closers.pop()!();
  await browser?.close();
  await dovecot?.dispose();
  await sink?.stop();
  await slack?.stop();
  redis?.disconnect();
  await own?.stop();
});

async function until<T>(what: string, f: () => Promise<T | undefined | false> | T | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!DOVECOT_BIN)('a member enquiry, end to end', () => {
  it('is opened, reminded, acknowledged, held, answered and shown to the councillor; "thanks!" opens nothing', async () => {
    const w = world(redis, 'probity:enquiries', { now: at('2026-04-02T09:30:00+01:00') });
    const clock = () => w.clock.now;
    const queueRedis = new Redis(own.url, { maxRetriesPerRequest: null });
    queueRedis.on('error', () => undefined);
    const scheduler = new JobScheduler({ connection: queueRedis, calendar: w.service.calendar, remindBefore: 1, clock, backoffMs: 200 });
    w.service.setScheduler(scheduler);
    const mailer = new EmailNoticeSender({
      host: '127.0.0.1',
      port: sink.port,
      ignoreTLS: true,
      from: { name: 'Member Services', email: 'member.enquiries@ashcombe.gov.uk' },
      domain: 'ashcombe.gov.uk',
    });
    const r = await enquiryApp(redis, 'probity:enquiries', undefined, w);
    const base = await r.app.listen({ port: 0, host: '127.0.0.1' });
    const processor = new NoticeProcessor({
      service: w.service,
      senders: [mailer, await SlackNoticeSender.create({ token: 'xoxb-test', slackApiUrl: slack.apiUrl })],
      publicUrl: base,
      linkSecret: SECRET,
      clock,
    });
    const worker = new Worker(ENQUIRIES_QUEUE, processor.process, { connection: queueRedis });
    worker.on('error', () => undefined);
    const results: IntakeResult[] = [];
    const mailbox = dovecotMailbox(dovecot, 'kasia.nowak', { id: 'kasia' });
    const watchers = ['INBOX', 'Sent'].map(
      (folder) =>
        new FolderWatcher({ mailbox, folder, service: w.service, redis, prefix: 'probity:enquiries', rescanMs: 1_000, onIntake: (x) => results.push(x) }),
    );
    closers.push(
      () => queueRedis.quit(),
      () => scheduler.close(),
      () => worker.close(),
      () => r.app.close(),
      () => mailer.close(),
      ...watchers.map((x) => () => x.stop()),
    );
    for (const x of watchers) x.start();
    await until('both folders watched', async () => (await redis.keys('probity:enquiries:imap:*')).length === 2);
    const deliver = async (folder: string, raw: Buffer, n: number) => {
      await withImap(dovecot, 'kasia.nowak', (c) => c.append(folder, raw));
      return until(`intake #${n}`, () => results[n - 1]);
    };

    // Thursday 2 April 2026, 09:30: Good Friday and Easter Monday follow.
    const ask = rfc822({
      from: 'Cllr Megan Price <megan.price@ashcombe.gov.uk>',
      to: 'Kasia Nowak <kasia.nowak@ashcombe.gov.uk>',
      subject: 'Damp and mould - 22 Riverside Terrace',
      date: at('2026-04-02T09:30:00+01:00'),
      messageId: '<e2e-ask@ashcombe.gov.uk>',
      text: 'Hi Kasia,\n\nCould you find out where the inspection at 22 Riverside Terrace has got to? Ms Short is on 07700 900418.\n\nMegan',
    });
    const opened = await deliver('INBOX', ask, 1);
    expect(opened.action).toBe('opened');
    const id = opened.enquiry!.id;
    expect(opened.enquiry).toMatchObject({ acknowledgeDay: '2026-04-08', answerDay: '2026-04-20', acknowledgeBy: '2026-04-08T17:00:00.000Z' });

    // Tuesday 7 April, 08:00: the reminder the working day before the acknowledgement is due.
    w.clock.now = at('2026-04-07T08:00:05+01:00');
    const remind = await scheduler.queue.getJob(jobId({ enquiry: id, kind: 'remind-acknowledge', day: '2026-04-08', version: 1 }));
    expect(await remind!.getState()).toBe('delayed');
    await remind!.promote();
    const reminder = await until('the reminder', () => sink.to('kasia.nowak@ashcombe.gov.uk')[0]);
    expect(reminder.subject).toBe('Reminder: acknowledge Cllr Megan Price’s enquiry by Wed 8 Apr 2026, 18:00');
    expect(reminder.text).not.toMatch(/07700|inspection/);
    await until('the Slack reminder', () => slack.posts()[0]);

    // Kasia acknowledges from the reminder's one-click link, in a browser.
    const link = /(http\S+\/enquiries\/act\.html\?t=\S+)/.exec(reminder.text)![1]!;
    const officerPage = await browser.newPage();
    await officerPage.goto(link);
    await officerPage.getByRole('button', { name: 'Acknowledge' }).click();
    await officerPage.waitForSelector('#result:has-text("Done.")');
    await officerPage.close();
    expect((await w.store.get(id))!.status).toBe('acknowledged');

    // Redis crashes and restarts: with AOF, nothing acknowledged is lost.
    await own.crash();
    await own.start();
    await until('redis back', async () => (await redis.ping().catch(() => '')) === 'PONG');
    expect((await w.store.get(id))!.status).toBe('acknowledged');

    // Friday 17 April: a holding reply with the reason, the action and a new date.
    w.clock.now = at('2026-04-17T11:00:00+01:00');
    const holding = rfc822({
      from: 'Kasia Nowak <kasia.nowak@ashcombe.gov.uk>',
      to: 'megan.price@ashcombe.gov.uk',
      subject: 'RE: Damp and mould - 22 Riverside Terrace',
      date: at('2026-04-17T11:00:00+01:00'),
      messageId: '<e2e-hold@ashcombe.gov.uk>',
      inReplyTo: '<e2e-ask@ashcombe.gov.uk>',
      references: ['<e2e-ask@ashcombe.gov.uk>'],
      text: "Dear Cllr Price,\n\nI'm sorry this is taking longer: we are waiting for the surveyor's damp report. I have chased the contractor and will write to you with a full answer by Friday 1 May.\n\nKasia",
    });
    const held = await deliver('Sent', holding, 2);
    expect(held).toMatchObject({ action: 'held', enquiry: { answerDay: '2026-05-01', version: 2 } });

    // Wednesday 29 April: the answer.
    w.clock.now = at('2026-04-29T15:00:00+01:00');
    const answer = rfc822({
      from: 'Kasia Nowak <kasia.nowak@ashcombe.gov.uk>',
      to: 'megan.price@ashcombe.gov.uk',
      subject: 'RE: Damp and mould - 22 Riverside Terrace',
      date: at('2026-04-29T15:00:00+01:00'),
      messageId: '<e2e-answer@ashcombe.gov.uk>',
      inReplyTo: '<e2e-hold@ashcombe.gov.uk>',
      references: ['<e2e-ask@ashcombe.gov.uk>', '<e2e-hold@ashcombe.gov.uk>'],
      text: 'Dear Cllr Price,\n\nThe survey found that the cavity insulation on the back wall has failed. The contractor will remove it and dry the wall out from 11 May; the work takes three weeks and Ms Short can stay in the flat throughout. The bathroom extractor fan will be replaced at the same time.\n\nKasia',
    });
    expect(await deliver('Sent', answer, 3)).toMatchObject({ action: 'answered', enquiry: { status: 'answered' } });

    // Megan's "thanks!" opens nothing.
    const thanks = rfc822({
      from: 'megan.price@ashcombe.gov.uk',
      to: 'kasia.nowak@ashcombe.gov.uk',
      subject: 'RE: Damp and mould - 22 Riverside Terrace',
      date: at('2026-04-29T16:00:00+01:00'),
      messageId: '<e2e-thanks@ashcombe.gov.uk>',
      inReplyTo: '<e2e-answer@ashcombe.gov.uk>',
      references: ['<e2e-ask@ashcombe.gov.uk>', '<e2e-answer@ashcombe.gov.uk>'],
      text: 'Thanks!',
    });
    expect((await deliver('INBOX', thanks, 4)).action).toBe('followed');
    expect(await w.store.openIds()).toEqual([]);

    // The councillor's page shows every step.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await signInAs(context, base, r.signIn, 'cllr-price');
    const page = await context.newPage();
    await page.goto(`${base}/enquiries/`);
    await page.waitForSelector('#mine .item');
    const shown = await page.textContent('#mine-list');
    expect(shown).toContain('Answered Wed 29 Apr 2026');
    const steps = await page.locator('#mine-list .steps li').allTextContents();
    expect(steps.map((s) => s.split(' · ')[1])).toEqual(['Received', 'Reminder sent', 'Acknowledged', 'Holding reply: new date Fri 1 May 2026', 'Answered']);
    expect(steps[2]).toContain('Kasia Nowak');
    await context.close();
    // Nothing of any message body reached Redis.
    const keys = await redis.keys('probity:enquiries:*');
    const values = await Promise.all(
      keys.map(async (k) => ((await redis.type(k)) === 'string' ? ((await redis.get(k)) ?? '') : JSON.stringify(await redis.lrange(k, 0, -1).catch(() => [])))),
    );
    expect(values.join(' ')).not.toMatch(/07700|surveyor|cavity|Thanks!/);
  }, 120_000);
});
