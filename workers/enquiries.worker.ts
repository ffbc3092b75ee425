/**
 * The enquiry worker: a separate process consuming the `enquiries` queue (reminders before each due date,
 * escalations after), with a sweep every ENQUIRY_SWEEP_MS that re-adds any job a lost queue no longer has and
 * prunes records past their retention. SIGTERM/SIGINT close it gracefully; a killed worker's jobs are picked up
 * by the next one once their lock lapses (ENQUIRY_LOCK_MS), and the sent-markers stop a second send.
 *
 *   node --import tsx workers/enquiries.worker.ts
 *
 * Environment: see docs/enquiries.md (REDIS_URL, PROBITY_COUNCIL, PROBITY_TOKEN_SECRET, SMTP_*, SLACK_*, ENQUIRY_*).
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { loadDetector } from '../src/enquiries/load.js';
import { ENQUIRIES_QUEUE, JobScheduler, NoticeProcessor, type Sender } from '../src/enquiries/queue.js';
import { loadEnquiryRuntime, runtimeClock } from '../src/enquiries/runtime.js';
import { EmailNoticeSender, SlackNoticeSender } from '../src/enquiries/senders.js';
import { EnquiryService } from '../src/enquiries/service.js';
import { EnquiryStore } from '../src/enquiries/store.js';
import { randomBytes } from 'node:crypto';

const quiet = process.env.LOG_LEVEL === 'warn';
const log = {
  info: (msg: string, fields?: Record<string, unknown>) => quiet || process.stdout.write(`${JSON.stringify({ level: 'info', time: new Date().toISOString(), service: 'enquiries-worker', msg, ...fields })}\n`),
  warn: (msg: string, fields?: Record<string, unknown>) => process.stderr.write(`${JSON.stringify({ level: 'warn', time: new Date().toISOString(), service: 'enquiries-worker', msg, ...fields })}\n`),
};
process.on('unhandledRejection', (err) => {
  log.warn('unhandled rejection', { error: (err as Error)?.message });
  process.exit(1);
});

const rt = loadEnquiryRuntime();
const clock = runtimeClock(rt);
// Workers block on Redis and must wait out a restart rather than fail commands (BullMQ requires this).
const connection = new Redis(rt.redisUrl, { maxRetriesPerRequest: null });
connection.on('error', (err) => log.warn('redis connection error', { error: err.message }));

const store = new EnquiryStore(connection, rt.prefix, rt.settings.retentionMs);
const service = new EnquiryService({ council: rt.council, settings: rt.settings, store, detector: loadDetector(rt.council), clock, newId: () => `enq-${randomBytes(5).toString('hex')}` });
const scheduler = new JobScheduler({ connection, prefix: rt.queuePrefix, calendar: service.calendar, remindBefore: rt.settings.remindWorkingDaysBefore, clock, backoffMs: rt.worker.backoffMs, attempts: rt.worker.attempts });
service.setScheduler(scheduler);
const email = rt.smtp ? new EmailNoticeSender(rt.smtp) : undefined;
const slack = rt.slack ? await SlackNoticeSender.create(rt.slack) : undefined;
const senders: Sender[] = [...(email ? [email] : []), ...(slack ? [slack] : [])];
const processor = new NoticeProcessor({ service, senders, publicUrl: rt.publicUrl, linkSecret: rt.linkSecret, clock, log });

const worker = new Worker(ENQUIRIES_QUEUE, processor.process, {
  connection,
  prefix: rt.queuePrefix,
  concurrency: rt.worker.concurrency,
  lockDuration: rt.worker.lockMs,
  stalledInterval: rt.worker.stalledMs,
  // A job whose worker died is retried after its lock lapses; twice is tolerated before it is failed.
  maxStalledCount: 2,
});
worker.on('error', (err) => log.warn('worker error', { error: err.message }));
worker.on('failed', (job, err) => log.warn('job failed', { jobId: job?.id, attemptsMade: job?.attemptsMade, error: err.message }));
await scheduler.queue.upsertJobScheduler('enquiries-sweep', { every: rt.worker.sweepMs }, { name: 'sweep', data: {} as never });
log.info('enquiry worker started', { queue: ENQUIRIES_QUEUE, prefix: rt.queuePrefix, email: Boolean(email), slack: Boolean(slack) });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info('shutting down', { signal });
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), rt.worker.shutdownMs).unref());
  const result = await Promise.race([worker.close().then(() => 'closed' as const), timeout]);
  if (result === 'timeout') log.warn('jobs still running at shutdown timeout; the next worker retries them');
  await scheduler.close().catch(() => undefined);
  email?.close();
  await connection.quit().catch(() => undefined);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
