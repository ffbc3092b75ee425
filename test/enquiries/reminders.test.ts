/**
 * Reminders and escalations through the real queue: BullMQ on Redis, an SMTP sink, a Slack stub. The test clock
 * runs at real speed from a chosen instant, so BullMQ's delays and the council's calendar agree.
 */
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NoticeProcessor, JobScheduler, ENQUIRIES_QUEUE, jobId } from '../../src/enquiries/queue.js';
import { EmailNoticeSender, SlackNoticeSender } from '../../src/enquiries/senders.js';
import { verifyLink } from '../../src/enquiries/links.js';
import { SlackStub, SmtpSink } from '../briefings/sinks.js';
import { deletePrefix, sharedRedis, uniquePrefix } from '../briefings/redis-helpers.js';
import { email, world } from './world.js';

const SECRET = 'enquiry-test-secret-enquiry-test-secret';
let redis: Redis;
const prefix = uniquePrefix('enq-remind');
const closers: (() => Promise<unknown> | unknown)[] = [];
beforeAll(() => {
  redis = sharedRedis();
});
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

/** A clock that starts at `start` and runs at real speed. */
function runningClock(start: string) {
  const t0 = Date.now();
  const base = Date.parse(start);
  return () => new Date(base + (Date.now() - t0));
}

async function rig(name: string, start: string, sinkOpts: Parameters<typeof SmtpSink.start>[0] = {}) {
  const clock = runningClock(start);
  const w = world(redis, `${prefix}:${name}:data`);
  const calendar = w.service.calendar;
  const connection = sharedRedis();
  const scheduler = new JobScheduler({ connection, prefix: `${prefix}:${name}:q`, calendar, remindBefore: 1, clock, backoffMs: 150, attempts: 6 });
  w.service.setScheduler(scheduler);
  const sink = await SmtpSink.start(sinkOpts);
  const slack = await SlackStub.start();
  const mailer = new EmailNoticeSender({
    host: '127.0.0.1',
    port: sink.port,
    ignoreTLS: true,
    from: { name: 'Member Services', email: 'member.enquiries@ashcombe.gov.uk' },
    domain: 'ashcombe.gov.uk',
  });
  const processor = new NoticeProcessor({
    service: w.service,
    senders: [mailer, await SlackNoticeSender.create({ token: 'xoxb-test', slackApiUrl: slack.apiUrl })],
    publicUrl: 'https://probity.example',
    linkSecret: SECRET,
    clock,
  });
  const worker = new Worker(ENQUIRIES_QUEUE, processor.process, { connection, prefix: `${prefix}:${name}:q`, concurrency: 2 });
  worker.on('error', () => undefined);
  closers.push(
    () => connection.quit(),
    () => scheduler.close(),
    () => worker.close(),
    () => sink.stop(),
    () => slack.stop(),
    () => mailer.close(),
  );
  return { ...w, clock, scheduler, sink, slack, worker, processor };
}

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('reminders', () => {
  it('reminds the officer at the start of business the working day before, by email and Slack, once, with a one-click link and no body', async () => {
    // Received Thursday 2 April (Easter follows): acknowledgement due Wed 8 April, so the reminder is Tue 7 April 08:00.
    const r = await rig('a', '2026-04-07T07:59:59.000+01:00');
    const e = (await r.service.intake(email({ text: 'Kasia, could you find out when the surveyor can visit Ms Short? Her number is 07700 900418.' }))).enquiry!;
    const mail = await until('the reminder email', () => r.sink.to('kasia.nowak@ashcombe.gov.uk')[0]);
    expect(mail.subject).toBe('Reminder: acknowledge Cllr Megan Price’s enquiry by Wed 8 Apr 2026, 18:00');
    expect(mail.messageId).toBe(`<${jobId({ enquiry: e.id, kind: 'remind-acknowledge', day: '2026-04-08', version: 1 })}-o-nowak-email@ashcombe.gov.uk>`);
    expect(mail.text).toContain('Damp and mould - 22 Riverside Terrace');
    expect(mail.text).toContain('wiltshire Appendix 1, H: “will be acknowledged within two working days of receipt');
    expect(mail.text).not.toMatch(/surveyor|07700/);
    const link = /act\.html\?t=(\S+)/.exec(mail.text)![1]!;
    expect(verifyLink(SECRET, link, Math.floor(r.clock().getTime() / 1000))).toMatchObject({
      ok: true,
      claims: { enquiry: e.id, action: 'acknowledge', by: 'o-nowak' },
    });
    await until('the Slack DM', () => r.slack.posts()[0]);
    expect(r.slack.posts()[0]!.params.channel).toBe('DU0NOWAK');
    await until('the reminder event', async () => (await r.store.events(e.id)).some((ev) => ev.type === 'reminded'));
    // Scheduling again (a sweep, a second process) sends nothing more.
    await r.scheduler.schedule((await r.store.get(e.id))!);
    await r.processor.sweep();
    await new Promise((res) => setTimeout(res, 500));
    expect(r.sink.mails).toHaveLength(1);
    expect(r.slack.posts()).toHaveLength(1);
  });

  it('rides out an SMTP outage: retried with backoff, delivered exactly once', async () => {
    const r = await rig('b', '2026-04-07T07:59:59.500+01:00', { reply: (_m, count) => (count <= 3 ? 421 : undefined) });
    await r.service.intake(email({ text: 'Kasia, could you check the repair date?' }));
    await until('the email after the outage', () => r.sink.mails[0], 20_000);
    await new Promise((res) => setTimeout(res, 800));
    expect(r.sink.mails).toHaveLength(1);
    expect(r.slack.posts()).toHaveLength(1);
  });

  it('waits for the next start of business when a notice comes due out of hours (Friday evening → Monday 08:00)', async () => {
    const r = await rig('c', '2026-04-10T18:30:00.000+01:00');
    const e = (await r.service.intake(email({ text: 'Kasia, could you check?', receivedAt: new Date('2026-04-02T09:30:00+01:00') }))).enquiry!;
    // The escalation for the acknowledgement (due Wed 8 April) is overdue; the worker must not send it now.
    const id = jobId({ enquiry: e.id, kind: 'escalate-acknowledge', day: '2026-04-08', version: 1 });
    const job = await until('the deferral', async () => {
      const j = await r.scheduler.queue.getJob(id);
      return j && (await j.getState()) === 'delayed' ? j : undefined;
    });
    // Monday 13 April 08:00 London is 61.5 hours after Friday 18:30.
    const waits = job.timestamp + job.delay - Date.now();
    expect(waits).toBeGreaterThan(61 * 3_600_000);
    expect(waits).toBeLessThan(62 * 3_600_000);
    await new Promise((res) => setTimeout(res, 500));
    expect(await job.getState()).toBe('delayed');
    expect(r.sink.mails).toHaveLength(0);
  });

  it('does nothing for a job from before a holding reply moved the date, or once answered', async () => {
    // Thursday evening: nothing is due to go out before Friday 08:00.
    const r = await rig('d', '2026-04-16T19:00:00.000+01:00');
    const e = (await r.service.intake(email({ text: 'Kasia, could you check the repair date?' }))).enquiry!;
    await r.service.acknowledge(e.id, 'o-nowak');
    const before = await r.scheduler.queue.getJob(jobId({ enquiry: e.id, kind: 'remind-answer', day: '2026-04-20', version: 1 }));
    expect(await before!.getState()).toBe('delayed');
    await r.service.holding(e.id, 'o-nowak', '2026-05-01', { reason: true, action: true });
    expect(await r.processor.process(before!)).toBe('stale');
    expect(await r.scheduler.queue.getJob(jobId({ enquiry: e.id, kind: 'remind-answer', day: '2026-05-01', version: 2 }))).toBeDefined();
    await r.service.markAnswered(e.id, 'o-nowak');
    const after = await r.scheduler.queue.getJob(jobId({ enquiry: e.id, kind: 'remind-answer', day: '2026-05-01', version: 2 }));
    expect(await r.processor.process(after!)).toBe('resolved');
    expect(r.sink.mails.filter((m) => /Apr|May/.test(m.subject) && m.subject.startsWith('Reminder: answer'))).toHaveLength(0);
  });

  it('re-adds, on the sweep, a job the queue has lost, and only that one', async () => {
    const r = await rig('e', '2026-04-02T10:00:00.000+01:00');
    const e = (await r.service.intake(email({ text: 'Kasia, could you check the repair date?' }))).enquiry!;
    const id = jobId({ enquiry: e.id, kind: 'remind-acknowledge', day: '2026-04-08', version: 1 });
    await (await r.scheduler.queue.getJob(id))!.remove();
    expect(await r.processor.sweep()).toEqual({ checked: 1, readded: 1 });
    expect(await (await r.scheduler.queue.getJob(id))!.getState()).toBe('delayed');
    expect(await r.processor.sweep()).toEqual({ checked: 1, readded: 0 });
  });
});
