/**
 * The enquiry worker: consumes the `enquiries` queue (reminders before each due date, escalations after), with a
 * sweep every ENQUIRY_SWEEP_MS that re-adds any job a lost queue no longer has and prunes records past their
 * retention. SIGTERM: jobs in hand finish (up to PROBITY_SHUTDOWN_MS); a killed worker's jobs are picked up by the
 * next one once their lock lapses (ENQUIRY_LOCK_MS), and the sent-markers stop a second send. SIGHUP: council.yaml
 * again. Settings: docs/settings.md and docs/enquiries.md.
 *
 *   node dist/workers/enquiries.worker.js        (node --import tsx workers/enquiries.worker.ts from a checkout)
 */
import { Worker } from 'bullmq';
import { ENQUIRIES_QUEUE, NoticeProcessor, type Sender } from '../src/enquiries/queue.js';
import { enquiryRuntime, runtimeClock } from '../src/enquiries/runtime.js';
import { EmailNoticeSender, SlackNoticeSender } from '../src/enquiries/senders.js';
import { enquiryService, reloadEnquiries } from '../src/enquiries/wiring.js';
import { runProcess } from '../src/process/run.js';

await runProcess('enquiries-worker', async ({ settings: s, log, redis, ready, council }) => {
  const rt = enquiryRuntime(s, council());
  const clock = runtimeClock(s.PROBITY_CLOCK_START);
  // Workers block on Redis and must wait out a restart rather than fail commands (BullMQ requires this).
  const connection = redis('worker', 'enquiries');
  await ready();

  const { service, scheduler } = enquiryService({
    council: rt.council,
    redis: connection,
    queue: connection,
    prefix: s.PROBITY_ENQUIRIES_PREFIX,
    queuePrefix: s.PROBITY_QUEUE_PREFIX,
    clock,
    retry: { backoffMs: s.ENQUIRY_BACKOFF_MS, attempts: s.ENQUIRY_ATTEMPTS },
  });
  const email = rt.smtp ? new EmailNoticeSender(rt.smtp) : undefined;
  const slack = rt.slack ? await SlackNoticeSender.create(rt.slack) : undefined;
  const senders: Sender[] = [...(email ? [email] : []), ...(slack ? [slack] : [])];
  // The one-click links are signed with the token secret (settings.ts requires it here).
  const processor = new NoticeProcessor({ service, senders, publicUrl: rt.publicUrl, linkSecret: s.PROBITY_TOKEN_SECRET, clock, log });

  const worker = new Worker(ENQUIRIES_QUEUE, processor.process, {
    connection,
    prefix: s.PROBITY_QUEUE_PREFIX,
    concurrency: s.ENQUIRY_CONCURRENCY,
    lockDuration: s.ENQUIRY_LOCK_MS,
    stalledInterval: s.ENQUIRY_STALLED_MS,
    // A job whose worker died is retried after its lock lapses; twice is tolerated before it is failed.
    maxStalledCount: 2,
  });
  worker.on('error', (err) => log.warn({ error: err.name, message: err.message }, 'worker error'));
  worker.on('failed', (job, err) => log.warn({ jobId: job?.id, attemptsMade: job?.attemptsMade, error: err.message }, 'job failed'));
  await scheduler.queue.upsertJobScheduler('enquiries-sweep', { every: s.ENQUIRY_SWEEP_MS }, { name: 'sweep', data: {} as never });
  log.info({ queue: ENQUIRIES_QUEUE, prefix: s.PROBITY_QUEUE_PREFIX, email: Boolean(email), slack: Boolean(slack) }, 'enquiry worker started');

  return {
    async stop() {
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), Math.max(100, s.PROBITY_SHUTDOWN_MS - 1000)).unref());
      const result = await Promise.race([worker.close().then(() => 'closed' as const), timeout]);
      if (result === 'timeout') log.warn({}, 'jobs still running at shutdown timeout; the next worker retries them');
      await scheduler.close().catch(() => undefined);
      email?.close();
    },
    // council.yaml again: people, services, periods and closure days for the next reminder on.
    reload() {
      const next = council();
      reloadEnquiries(service, next);
      return { council: next.council };
    },
  };
});
