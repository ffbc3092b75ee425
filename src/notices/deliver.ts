/**
 * The notice worker's processor: one function per job name. A notice is sent at most once per sent-marker:
 * before sending, the marker is checked; after the server accepts, the marker is set, then the delivery is
 * written to the ledger. A retry, a duplicate job or a job picked up after a killed worker finds the marker and
 * only brings the ledger up to date. Logs carry ids only, never notice text.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { BriefingService } from '../briefings/service.js';
import { buildContext, NoticeContextError, type ContextDeps, type Recipient } from './context.js';
import { CHANNEL_LABEL } from '../briefings/reach.js';
import { EmailSender, PermanentDeliveryError, UndeliverableError } from './email.js';
import type { NoticeDispatcher, NoticeJobData, RoundJobData, TimerJobData } from './queue.js';
import { ConfidentialityError, renderNotice } from './render.js';
import { SlackRateLimited, SlackSender } from './slack.js';
import { silentLog, type Log } from '../queue/log.js';

export interface ProcessorDeps {
  service: BriefingService;
  context: Omit<ContextDeps, 'council' | 'settings'>;
  email?: EmailSender;
  slack?: SlackSender;
  dispatcher: NoticeDispatcher;
  log?: Log;
  /** Who the audit trail says delivered (`notices-worker`). */
  actorId?: string;
}

export type Outcome = 'sent' | 'already-sent' | 'undeliverable';

export class NoticeProcessor {
  private readonly log: Log;
  private readonly actor: string;

  constructor(private readonly deps: ProcessorDeps) {
    this.log = deps.log ?? silentLog;
    this.actor = deps.actorId ?? 'notices-worker';
  }

  private worker?: Worker;

  /** The worker running this processor (needed to pause it on a Slack rate limit). */
  attach(worker: Worker): void {
    this.worker = worker;
  }

  /** The BullMQ processor. */
  process = async (job: Job): Promise<unknown> => {
    switch (job.name) {
      case 'notice':
        return this.notice(job as Job<NoticeJobData>);
      case 'round':
        return this.deps.service.recordRoundNoticesSettled(this.actor, (job.data as RoundJobData).roundId);
      case 'reminder': {
        const { offerId, reminder } = job.data as TimerJobData;
        const ids = await this.deps.service.remindOffer(offerId, reminder ?? 1);
        if (ids.length > 0) await this.deps.dispatcher.flush();
        return { reminders: ids.length };
      }
      case 'expire': {
        const offer = await this.deps.service.expireOffer((job.data as TimerJobData).offerId);
        return { status: offer?.status };
      }
      default:
        throw new UnrecoverableError(`unknown job ${job.name}`);
    }
  };

  private async notice(job: Job<NoticeJobData>): Promise<Outcome> {
    const worker = this.worker;
    const attempt = job.attemptsMade + 1;
    const final = attempt >= (job.opts.attempts ?? 1);
    try {
      return await this.deliver(job.data.noticeId, attempt);
    } catch (err) {
      if (err instanceof SlackRateLimited && worker) {
        this.log.warn({ noticeId: job.data.noticeId, retryAfterMs: err.retryAfterMs }, 'slack rate limited');
        await worker.rateLimit(err.retryAfterMs);
        throw Worker.RateLimitError();
      }
      const permanent = err instanceof PermanentDeliveryError || err instanceof ConfidentialityError || err instanceof NoticeContextError;
      const reason = err instanceof Error ? err.message : 'delivery failed';
      const state = err instanceof UndeliverableError ? 'undeliverable' : 'failed';
      await this.deps.service.recordDelivery(this.actor, job.data.noticeId, { state, attempt, error: reason, final: permanent || final });
      this.log.warn({ noticeId: job.data.noticeId, attempt, permanent, error: reason }, 'notice not delivered');
      if (permanent) throw new UnrecoverableError(reason);
      throw err;
    }
  }

  /** Send one notice unless its sent-marker says it went; then record the delivery. */
  async deliver(noticeId: string, attempt = 1): Promise<Outcome> {
    const { service } = this.deps;
    const notice = await service.notice(noticeId);
    if (!notice) throw new NoticeContextError(`notice ${noticeId} is not in the ledger`);
    if (notice.state === 'sent') return 'already-sent';
    if (notice.state === 'undeliverable') return 'undeliverable';
    const marker = await service.store.sentMarker(noticeId);
    if (marker) {
      await service.recordDelivery(this.actor, noticeId, { state: 'sent', attempt, messageId: marker });
      this.log.info({ noticeId }, 'notice was already sent; ledger brought up to date');
      return 'already-sent';
    }
    const sender = notice.channel === 'email' ? this.deps.email : this.deps.slack;
    if (!sender) {
      // Never a silent skip: the office sees this notice as not deliverable, and why.
      const why = `${CHANNEL_LABEL[notice.channel].name} is not set up on the notice worker (it needs ${CHANNEL_LABEL[notice.channel].setup})`;
      await service.recordDelivery(this.actor, noticeId, { state: 'undeliverable', attempt, error: why, final: true });
      this.log.warn({ noticeId, channel: notice.channel }, 'notice not deliverable: channel not set up');
      return 'undeliverable';
    }
    const ctx = await buildContext({ ...this.deps.context, council: service.council, settings: service.settings }, service.store.reader(), notice);
    const render = (recipient: Recipient) => renderNotice(service.council, ctx, recipient);
    // Render every copy before sending any, so a refused text stops the notice before anyone gets it.
    for (const r of ctx.recipients) render(r);
    const id = sender instanceof EmailSender ? await sender.send(ctx, render, service.store) : await (sender as SlackSender).send(ctx, render, service.store);
    await service.store.markSent(noticeId, id);
    await service.recordDelivery(this.actor, noticeId, { state: 'sent', attempt, messageId: id });
    this.log.info({ noticeId, channel: notice.channel, attempt }, 'notice sent');
    return 'sent';
  }
}
