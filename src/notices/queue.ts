/**
 * The `notices` queue and the dispatcher that feeds it from the ledger's outbox. A round becomes a BullMQ flow:
 * one parent job per round (`round-<round id>`) and one child per notice (the notice id: one per group and
 * channel), children with `ignoreDependencyOnFailure` so one unreachable group does not hold the round up.
 * Reminders and expiry are delayed jobs. Job ids are deterministic and contain no ':', so adding the same work
 * twice (two dispatchers, or a crash between adding and clearing the outbox) adds nothing.
 */
import { FlowProducer, Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { LedgerStore, OutboxItem, Timer } from '../briefings/ledger.js';

export const NOTICES_QUEUE = 'notices';

export type NoticeJobName = 'notice' | 'round' | 'reminder' | 'expire';
export interface NoticeJobData {
  noticeId: string;
}
export interface RoundJobData {
  roundId: string;
}
export interface TimerJobData {
  offerId: string;
  reminder?: number;
}

/**
 * Delivery retries: 8 attempts, exponential from 5 s with up to 50 % jitter (5 s, 10 s, 20 s … about 10 min in
 * all), enough to ride out an SMTP relay restart without hammering it. Completed jobs are kept a week and failed
 * ones a month so a duplicate add within that time is still recognised as a duplicate.
 */
export const NOTICE_ATTEMPTS = 8;
export const NOTICE_BACKOFF_MS = 5_000;
const KEEP_COMPLETED_S = 7 * 24 * 3600;
const KEEP_FAILED_S = 30 * 24 * 3600;

export function noticeJobOptions(backoffMs = NOTICE_BACKOFF_MS, attempts = NOTICE_ATTEMPTS): JobsOptions {
  return {
    attempts,
    backoff: { type: 'exponential', delay: backoffMs, jitter: 0.5 },
    removeOnComplete: { age: KEEP_COMPLETED_S },
    removeOnFail: { age: KEEP_FAILED_S },
  };
}

export interface DispatcherOptions {
  connection: ConnectionOptions;
  /** BullMQ key prefix (default `bull`); tests use a unique one. */
  prefix?: string;
  store: LedgerStore;
  clock: () => Date;
  backoffMs?: number;
  attempts?: number;
}

/** Moves outbox items to the queue. One flush at a time per process; safe to run in several processes. */
export class NoticeDispatcher {
  readonly queue: Queue;
  private readonly flow: FlowProducer;
  private chain: Promise<number> = Promise.resolve(0);

  constructor(private readonly opts: DispatcherOptions) {
    const common = { connection: opts.connection, ...(opts.prefix ? { prefix: opts.prefix } : {}) };
    this.queue = new Queue(NOTICES_QUEUE, common);
    this.flow = new FlowProducer(common);
  }

  private jobOpts(): JobsOptions {
    return noticeJobOptions(this.opts.backoffMs, this.opts.attempts);
  }

  /** Add every outbox item to the queue and clear it. Resolves to the number of items moved. */
  flush(): Promise<number> {
    const next = this.chain.then(
      () => this.flushOnce(),
      () => this.flushOnce(),
    );
    this.chain = next.catch(() => 0);
    return next;
  }

  private async flushOnce(): Promise<number> {
    const items = await this.opts.store.outbox();
    for (const item of items) {
      await this.add(item);
      await this.opts.store.outboxDone(item.id);
    }
    return items.length;
  }

  private async add(item: OutboxItem): Promise<void> {
    const opts = this.jobOpts();
    if (item.kind === 'round' && item.roundId) {
      await this.flow.add({
        name: 'round',
        queueName: NOTICES_QUEUE,
        data: { roundId: item.roundId } satisfies RoundJobData,
        opts: { jobId: `round-${item.roundId}`, removeOnComplete: opts.removeOnComplete!, removeOnFail: opts.removeOnFail! },
        children: item.noticeIds.map((noticeId) => ({
          name: 'notice',
          queueName: NOTICES_QUEUE,
          data: { noticeId } satisfies NoticeJobData,
          opts: { ...opts, jobId: noticeId, ignoreDependencyOnFailure: true },
        })),
      });
    } else if (item.noticeIds.length > 0) {
      await this.queue.addBulk(
        item.noticeIds.map((noticeId) => ({ name: 'notice', data: { noticeId } satisfies NoticeJobData, opts: { ...opts, jobId: noticeId } })),
      );
    }
    if (item.timers?.length) await this.addTimers(item.timers);
  }

  private async addTimers(timers: Timer[]): Promise<void> {
    const now = this.opts.clock().getTime();
    await this.queue.addBulk(
      timers.map((t) => ({
        name: t.name,
        data: { offerId: t.offerId, ...(t.reminder ? { reminder: t.reminder } : {}) } satisfies TimerJobData,
        opts: {
          jobId: t.jobId,
          delay: Math.max(0, Date.parse(t.at) - now),
          attempts: 5,
          backoff: { type: 'exponential', delay: 60_000, jitter: 0.5 },
          removeOnComplete: { age: KEEP_COMPLETED_S },
          removeOnFail: { age: KEEP_FAILED_S },
        },
      })),
    );
  }

  async close(): Promise<void> {
    await this.chain.catch(() => 0);
    await Promise.all([this.queue.close(), this.flow.close()]);
  }
}
