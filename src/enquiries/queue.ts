/**
 * Reminders and escalations as BullMQ jobs on the `enquiries` queue. Each job's id names the enquiry, the kind,
 * the due day and the enquiry's version (`enq-…-remind-acknowledge-2026-04-08-v1`), so scheduling the same work
 * twice adds nothing, and a job left over from before a holding reply moved the date finds the version changed
 * and does nothing. A job that comes due out of hours (a weekend, a bank holiday, the evening, or after an
 * outage) waits for the next start of business. Every send has a sent-marker and a fixed Message-ID, so a retry
 * after an SMTP outage or a killed worker sends each notice once. Logs carry ids, never text.
 */
import { Redis } from 'ioredis';
import { DelayedError, Queue, type ConnectionOptions, type Job, type JobsOptions } from 'bullmq';
import type { Person } from '../directory/council.js';
import type { WorkingCalendar } from '../directory/working-days.js';
import { isResolved, type Due, type Enquiry } from './model.js';
import { recipients, render, type NoticeDeps, type RenderedNotice } from './notices.js';
import type { EnquiryService, Scheduler } from './service.js';
import type { NoticeKind } from './templates.js';
import type { Log } from '../queue/log.js';

export const ENQUIRIES_QUEUE = 'enquiries';

export interface NoticeJobData {
  enquiry: string;
  kind: NoticeKind;
  day: string;
  version: number;
}

/**
 * Retries: 10 attempts, exponential from 30 s with jitter (about 8 hours in all), enough to ride out an SMTP
 * relay that is down for the morning. Finished jobs are kept 30 days, so a duplicate add in that time is still
 * recognised as one (the sent-markers cover the rest).
 */
const ATTEMPTS = 10;
const BACKOFF_MS = 30_000;
const KEEP_S = 30 * 24 * 3600;

export function jobOptions(backoffMs = BACKOFF_MS, attempts = ATTEMPTS): JobsOptions {
  return { attempts, backoff: { type: 'exponential', delay: backoffMs, jitter: 0.5 }, removeOnComplete: { age: KEEP_S }, removeOnFail: { age: KEEP_S } };
}

export function jobId(d: NoticeJobData): string {
  return `${d.enquiry}-${d.kind}-${d.day}-v${d.version}`;
}

/** The reminder (start of business, n working days before the due day) and the escalation (once it is overdue). */
export function plan(e: Enquiry, calendar: WorkingCalendar, remindBefore: number): { data: NoticeJobData; at: Date }[] {
  if (isResolved(e)) return [];
  const due: Due = e.status === 'open' ? 'acknowledge' : 'answer';
  const day = due === 'acknowledge' ? e.acknowledgeDay : e.answerDay;
  const remindDay = calendar.nthWorkingDayBefore(day, remindBefore);
  return [
    { data: { enquiry: e.id, kind: `remind-${due}`, day, version: e.version }, at: calendar.startOfBusiness(remindDay) },
    // Overdue at close of business on the due day; the manager hears at the next start of business.
    // (Close of business is out of hours, so that is the start of the next working day.)
    { data: { enquiry: e.id, kind: `escalate-${due}`, day, version: e.version }, at: calendar.startOfBusiness(calendar.nthWorkingDayAfter(day, 1)) },
  ];
}

export class JobScheduler implements Scheduler {
  readonly queue: Queue;

  constructor(
    private readonly opts: {
      connection: ConnectionOptions;
      prefix?: string;
      calendar: WorkingCalendar;
      remindBefore: number;
      clock: () => Date;
      backoffMs?: number;
      attempts?: number;
      onError?: (err: Error) => void;
    },
  ) {
    this.queue = new Queue(ENQUIRIES_QUEUE, { connection: opts.connection, ...(opts.prefix ? { prefix: opts.prefix } : {}) });
    // While Redis is away the queue reports connection errors; the sweep re-adds whatever a failed add missed.
    this.queue.on('error', (err) => opts.onError?.(err));
  }

  /** council.yaml reloaded: new closure days, working hours or reminder lead from the next job on. */
  setCalendar(calendar: WorkingCalendar, remindBefore: number): void {
    this.opts.calendar = calendar;
    this.opts.remindBefore = remindBefore;
  }

  async schedule(e: Enquiry): Promise<void> {
    const now = this.opts.clock().getTime();
    const jobs = plan(e, this.opts.calendar, this.opts.remindBefore);
    if (jobs.length === 0) return;
    const options = jobOptions(this.opts.backoffMs, this.opts.attempts);
    await this.queue.addBulk(
      jobs.map((j) => ({ name: 'notice', data: j.data, opts: { ...options, jobId: jobId(j.data), delay: Math.max(0, j.at.getTime() - now) } })),
    );
  }

  /** Re-add the jobs of these enquiries that the queue no longer has; returns how many were added. */
  async ensure(enquiries: Enquiry[]): Promise<number> {
    const now = this.opts.clock().getTime();
    const planned = enquiries.flatMap((e) => plan(e, this.opts.calendar, this.opts.remindBefore));
    if (planned.length === 0) return 0;
    // One round trip: which job keys does the queue still hold? (Without an ioredis connection, add them all.)
    const client = this.opts.connection instanceof Redis ? this.opts.connection : undefined;
    const exists = client ? ((await planned.reduce((p, j) => p.exists(this.queue.toKey(jobId(j.data))), client.pipeline()).exec()) ?? []) : [];
    const missing = client ? planned.filter((_, i) => Number(exists[i]?.[1] ?? 0) === 0) : planned;
    if (missing.length === 0) return 0;
    const options = jobOptions(this.opts.backoffMs, this.opts.attempts);
    await this.queue.addBulk(
      missing.map((j) => ({ name: 'notice', data: j.data, opts: { ...options, jobId: jobId(j.data), delay: Math.max(0, j.at.getTime() - now) } })),
    );
    return missing.length;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface Sender {
  readonly channel: 'email' | 'slack';
  /** Sends one notice; `key` is its stable identity (the email's Message-ID is made from it). Returns a receipt. */
  send(notice: RenderedNotice, key: string): Promise<string>;
}

export class PermanentSendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentSendError';
  }
}

/** The process's logger (src/process/log.ts): ids and counts, never an enquiry's text. */
export type ProcessorLog = Pick<Log, 'info' | 'warn'>;

export type Outcome = 'sent' | 'stale' | 'resolved' | 'no-recipient' | 'deferred' | 'swept';

export class NoticeProcessor {
  constructor(
    private readonly deps: {
      service: EnquiryService;
      senders: Sender[];
      publicUrl: string;
      linkSecret: string;
      clock: () => Date;
      log?: ProcessorLog;
    },
  ) {}

  /** The BullMQ processor (`token` is the worker's lock token, needed to move a job back to delayed). */
  process = async (job: Job<NoticeJobData>, token?: string): Promise<Outcome> => {
    if (job.name === 'sweep') return this.sweep().then(() => 'swept' as const);
    const { service } = this.deps;
    const now = this.deps.clock();
    const e = await service.get(job.data.enquiry);
    if (!e || isResolved(e)) return 'resolved';
    if (e.version !== job.data.version || !stillDue(e, job.data.kind)) return 'stale';
    if (!service.calendar.inWorkingHours(now)) {
      // Out of hours (a delayed job run late, a retry at night): wait for the next start of business.
      const at = service.calendar.nextWorkingMoment(now);
      this.deps.log?.info({ jobId: job.id, at: at.toISOString() }, 'notice deferred to working hours');
      // BullMQ counts in its own (wall-clock) time: wait the same interval from now.
      await job.moveToDelayed(Date.now() + (at.getTime() - now.getTime()), token);
      throw new DelayedError();
    }
    const noticeDeps: NoticeDeps = {
      council: service.council,
      settings: service.settings,
      calendar: service.calendar,
      publicUrl: this.deps.publicUrl,
      linkSecret: this.deps.linkSecret,
      now,
    };
    const to = recipients(e, job.data.kind, noticeDeps);
    if (to.length === 0) return 'no-recipient';
    let sent = 0;
    for (const r of to) {
      const notice = render(e, job.data.kind, r, noticeDeps);
      for (const sender of this.deps.senders) {
        if (!service.settings.channels.includes(sender.channel) || !reachable(r.person, sender.channel)) continue;
        const key = `${jobId(job.data)}-${r.person.id}-${sender.channel}`;
        if (await service.store.sentMarker(key)) continue;
        let receipt: string;
        try {
          receipt = await sender.send(notice, key);
        } catch (err) {
          if (err instanceof PermanentSendError) {
            this.deps.log?.warn({ jobId: job.id, to: r.person.id, channel: sender.channel, error: err.message }, 'notice not deliverable');
            continue;
          }
          throw err;
        }
        await service.store.markSent(key, receipt);
        sent++;
      }
    }
    // The event is written once, whoever sends (a retry that finds every marker set writes nothing more).
    if (sent > 0 && (await service.store.markSent(`${jobId(job.data)}-event`, now.toISOString()))) {
      await service.store.appendEvent(e.id, {
        at: now.toISOString(),
        type: job.data.kind.startsWith('remind') ? 'reminded' : 'escalated',
        by: 'enquiries-worker',
        data: { kind: job.data.kind, to: to.map((r) => r.person.id).join(' ') },
      });
    }
    this.deps.log?.info({ jobId: job.id, sent }, 'notice processed');
    return 'sent';
  };

  /**
   * The safety net, in bounded slices like SCAN: each run takes the next SWEEP_PAGE unresolved enquiries coming due within the horizon (a cursor
   * kept in Redis walks the open index and wraps round), checks in one round trip which of their reminder and
   * escalation jobs the queue still has, and re-adds only the missing ones (an add of an existing id adds nothing;
   * a job whose notice went out finds its sent-marker). Then it prunes records past their retention.
   */
  async sweep(page = SWEEP_PAGE): Promise<{ checked: number; readded: number }> {
    const { service } = this.deps;
    const scheduler = service.scheduler;
    if (!(scheduler instanceof JobScheduler)) return { checked: 0, readded: 0 };
    const cursorKey = service.store.key('sweep', 'cursor');
    // Only enquiries whose next job fires within the horizon matter now; the rest are looked at as they come near.
    const until = this.deps.clock().getTime() + SWEEP_HORIZON_DAYS * 86_400_000;
    const from = Number((await service.store.redis.get(cursorKey)) ?? 0);
    let ids = await service.store.dueBy(until, page, from);
    const next = ids.length < page ? 0 : from + ids.length;
    if (ids.length === 0 && from > 0) ids = await service.store.dueBy(until, page, 0);
    await service.store.redis.set(cursorKey, String(next));
    const readded = await scheduler.ensure(await service.store.many(ids));
    await service.store.prune(this.deps.clock().getTime());
    return { checked: ids.length, readded };
  }
}

/** Enquiries one sweep run looks at: small enough that a run stays well under 200 ms with 100,000 open. */
export const SWEEP_PAGE = 200;
/** A reminder goes at most a few working days before its due date: a week ahead covers it, bank holidays and all. */
export const SWEEP_HORIZON_DAYS = 7;

function stillDue(e: Enquiry, kind: NoticeKind): boolean {
  return kind.endsWith('acknowledge') ? e.status === 'open' : e.status === 'acknowledged' || e.status === 'open';
}

function reachable(p: Person, channel: 'email' | 'slack'): boolean {
  return channel === 'email' ? Boolean(p.email) : Boolean(p.slack);
}
