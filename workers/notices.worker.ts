/**
 * The notice worker: a separate process consuming the `notices` queue (emails, Slack DMs, reminders, expiry)
 * and moving the ledger's outbox onto the queue, at start and every OUTBOX_INTERVAL_MS, so work committed by an
 * API process that died before enqueueing still goes out. SIGTERM/SIGINT close the worker gracefully (jobs in
 * hand finish, up to SHUTDOWN_TIMEOUT_MS); a killed worker's jobs are picked up by the next one once their lock
 * lapses (NOTICE_LOCK_MS).
 *
 *   node --import tsx workers/notices.worker.ts
 *
 * Environment: see docs/briefings.md (REDIS_URL, PROBITY_COUNCIL, SMTP_*, SLACK_*, NOTICE_*).
 */
import '../src/process/fatal.js';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { RedisStore } from '../src/briefings/redis-store.js';
import { BriefingService } from '../src/briefings/service.js';
import { NoticeProcessor } from '../src/notices/deliver.js';
import { EmailSender } from '../src/notices/email.js';
import { NOTICES_QUEUE, NoticeDispatcher } from '../src/notices/queue.js';
import { jsonLog, loadCouncilFile, loadRuntime, randomId } from '../src/notices/runtime.js';
import { SlackSender } from '../src/notices/slack.js';

const log = jsonLog('notices-worker', process.env.LOG_LEVEL === 'warn');
const rt = loadRuntime();
const clock = () => new Date();

// Workers block on Redis and must wait out a restart rather than fail commands (BullMQ requires this).
const connection = new Redis(rt.redisUrl, { maxRetriesPerRequest: null });
connection.on('error', (err) => log.warn('redis connection error', { error: err.message }));

const store = new RedisStore(connection, rt.ledgerPrefix);
const dispatcher = new NoticeDispatcher({
  connection,
  prefix: rt.queuePrefix,
  store,
  clock,
  backoffMs: rt.notice.backoffMs,
  attempts: rt.notice.attempts,
});
const flush = () =>
  dispatcher.flush().catch((err: Error) => {
    log.warn('outbox flush failed; will retry', { error: err.message });
    return 0;
  });
const service = new BriefingService({ council: rt.council, store, clock, newId: randomId, onOutbox: () => void flush() });
const email = rt.smtp ? new EmailSender(rt.smtp) : undefined;
const slack = rt.slack ? await SlackSender.create(rt.slack) : undefined;
const processor = new NoticeProcessor({
  service,
  context: { publicUrl: rt.publicUrl, from: rt.from },
  ...(email ? { email } : {}),
  ...(slack ? { slack } : {}),
  dispatcher,
  log,
});

const worker = new Worker(NOTICES_QUEUE, processor.process, {
  connection,
  prefix: rt.queuePrefix,
  concurrency: rt.notice.concurrency,
  lockDuration: rt.notice.lockMs,
  stalledInterval: rt.notice.stalledMs,
  // A job whose worker died is retried after its lock lapses; twice is tolerated before it is failed.
  maxStalledCount: 2,
});
processor.attach(worker);
worker.on('error', (err) => log.error('worker error', { error: err.message }));
worker.on('failed', (job, err) => log.warn('job failed', { jobId: job?.id, name: job?.name, attemptsMade: job?.attemptsMade, error: err.message }));

await flush();
const outboxTimer = setInterval(() => void flush(), rt.notice.outboxIntervalMs);
log.info('notice worker started', { queue: NOTICES_QUEUE, prefix: rt.queuePrefix, concurrency: rt.notice.concurrency, email: Boolean(email), slack: Boolean(slack) });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info('shutting down', { signal });
  clearInterval(outboxTimer);
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), rt.notice.shutdownMs).unref());
  const result = await Promise.race([worker.close().then(() => 'closed' as const), timeout]);
  if (result === 'timeout') log.warn('jobs still running at shutdown timeout; they will be retried by the next worker');
  await dispatcher.close().catch(() => undefined);
  email?.close();
  await connection.quit().catch(() => undefined);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
// SIGHUP: reload council.yaml (new contacts, new addresses) without dropping jobs in hand.
process.on('SIGHUP', () => {
  try {
    service.setCouncil(loadCouncilFile(rt.councilFile));
    log.info('council directory reloaded');
  } catch (err) {
    log.error('council directory reload failed; keeping the previous one', { error: (err as Error).message });
  }
});
