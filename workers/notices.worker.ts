/**
 * The notice worker: consumes the `notices` queue (emails, Slack DMs, reminders, expiry) and moves the ledger's
 * outbox onto the queue, at start and every OUTBOX_INTERVAL_MS, so work committed by an API process that died
 * before enqueueing still goes out. SIGTERM: jobs in hand finish (up to PROBITY_SHUTDOWN_MS); a killed worker's
 * jobs are picked up by the next one once their lock lapses (NOTICE_LOCK_MS). SIGHUP: council.yaml again (new
 * contacts, new addresses) without dropping jobs in hand. Settings: docs/settings.md.
 *
 *   node dist/workers/notices.worker.js        (node --import tsx workers/notices.worker.ts from a checkout)
 */
import { Worker } from 'bullmq';
import { CheckpointFile } from '../src/briefings/checkpoint-store.js';
import { ledgerKeyFrom } from '../src/briefings/integrity.js';
import { assertDurableLedger, RedisStore } from '../src/briefings/redis-store.js';
import { BriefingService } from '../src/briefings/service.js';
import type { Channel } from '../src/briefings/types.js';
import { LinkKeys, LinkSigner } from '../src/http/offer-links.js';
import { CHANNEL_REPORT_TTL_MS, ChannelHealth } from '../src/notices/channel-health.js';
import { mailDailyCheckpoint } from '../src/notices/checkpoint-mail.js';
import { NoticeProcessor } from '../src/notices/deliver.js';
import { EmailSender, smtpOptionsFrom, type SmtpOptions } from '../src/notices/email.js';
import { NOTICES_QUEUE, NoticeDispatcher } from '../src/notices/queue.js';
import { parseFrom, randomId } from '../src/notices/runtime.js';
import { SlackSender } from '../src/notices/slack.js';
import { runProcess } from '../src/process/run.js';

/** How often the worker looks whether today's checkpoint has gone to the Monitoring Officer. */
const CHECKPOINT_MAIL_CHECK_MS = 60 * 60_000;

await runProcess('notices-worker', async ({ settings: s, log, redis, ready, council }) => {
  const directory = council();
  const from = parseFrom(s.NOTICE_FROM ?? `Chief Executive's Office <briefings@${directory.domain ?? 'localhost'}>`);
  // Without SMTP_URL or SMTP_HOST the relay is nodemailer's default (127.0.0.1:25), as before.
  const smtp: SmtpOptions = smtpOptionsFrom(s, from) ?? { ignoreTLS: s.SMTP_IGNORE_TLS, from };
  const publicUrl = s.PROBITY_PUBLIC_URL ?? `http://localhost:${s.PORT}`;
  // Every offer notice and invitation carries its recipient's own answer link.
  const links = new LinkSigner(LinkKeys.parse(s.PROBITY_LINK_KEYS), publicUrl);
  const clock = () => new Date();

  // Workers block on Redis and must wait out a restart rather than fail commands (BullMQ requires this).
  const connection = redis('worker', 'notices');
  const ledgerKey = ledgerKeyFrom(s.PROBITY_LEDGER_KEY);
  await ready();
  // No ledger on a Redis that would lose an acknowledged commit in a crash (unless this is a test).
  const persistence = await assertDurableLedger(connection, s.PROBITY_LEDGER_ALLOW_NO_AOF);
  if (persistence) log.warn({ persistence }, 'ledger persistence');
  const store = new RedisStore(connection, s.PROBITY_LEDGER_PREFIX);
  const dispatcher = new NoticeDispatcher({
    connection,
    prefix: s.PROBITY_QUEUE_PREFIX,
    store,
    clock,
    backoffMs: s.NOTICE_BACKOFF_MS,
    attempts: s.NOTICE_ATTEMPTS,
  });
  const flush = () =>
    dispatcher.flush().catch((err: Error) => {
      log.warn({ error: err.name, message: err.message }, 'outbox flush failed; will retry');
      return 0;
    });
  const service = new BriefingService({
    council: directory,
    store,
    clock,
    newId: randomId,
    onOutbox: () => void flush(),
    // Every head signed with a key Redis never holds, and checkpointed to a file outside Redis.
    ledgerKey,
    checkpoints: new CheckpointFile(s.PROBITY_LEDGER_CHECKPOINTS),
    onCheckpointError: (err) => log.error({ error: err.name, message: err.message, file: s.PROBITY_LEDGER_CHECKPOINTS }, 'ledger checkpoint not written'),
  });
  const email = new EmailSender(smtp);
  const slack = s.SLACK_BOT_TOKEN
    ? await SlackSender.create({ token: s.SLACK_BOT_TOKEN, ...(s.SLACK_API_URL ? { slackApiUrl: s.SLACK_API_URL } : {}) })
    : undefined;
  const processor = new NoticeProcessor({ service, context: { publicUrl, from, links }, email, ...(slack ? { slack } : {}), dispatcher, log });
  // Tell the API which channels notices go out on: a round cannot open while a party has none that works.
  const health = new ChannelHealth(connection, s.PROBITY_LEDGER_PREFIX);
  const channels: Channel[] = ['email', ...(slack ? (['slack'] as const) : [])];
  const report = () =>
    health
      .report(channels, `notices-worker-${process.pid}`)
      .catch((err: Error) => log.warn({ error: err.name, message: err.message }, 'channel report failed; will retry'));

  const worker = new Worker(NOTICES_QUEUE, processor.process, {
    connection,
    prefix: s.PROBITY_QUEUE_PREFIX,
    concurrency: s.NOTICE_CONCURRENCY,
    lockDuration: s.NOTICE_LOCK_MS,
    stalledInterval: s.NOTICE_STALLED_MS,
    // A job whose worker died is retried after its lock lapses; twice is tolerated before it is failed.
    maxStalledCount: 2,
  });
  processor.attach(worker);
  worker.on('error', (err) => log.error({ error: err.name, message: err.message }, 'worker error'));
  worker.on('failed', (job, err) => log.warn({ jobId: job?.id, name: job?.name, attemptsMade: job?.attemptsMade, error: err.message }, 'job failed'));

  // The Monitoring Officer's daily copy of the ledger's signed head, once per council date.
  const checkpoint = () =>
    mailDailyCheckpoint({ service, email, from, publicUrl }, clock())
      .then((outcome) => outcome === 'sent' && log.info({ outcome }, 'ledger checkpoint mailed to the Monitoring Officer'))
      .catch((err: Error) => log.error({ error: err.name, message: err.message }, 'ledger checkpoint not mailed; will try again within the hour'));

  await flush();
  await report();
  await checkpoint();
  const checkpointTimer = setInterval(() => void checkpoint(), CHECKPOINT_MAIL_CHECK_MS);
  const outboxTimer = setInterval(() => void flush(), s.OUTBOX_INTERVAL_MS);
  const reportTimer = setInterval(() => void report(), CHANNEL_REPORT_TTL_MS / 3);
  log.info({ queue: NOTICES_QUEUE, prefix: s.PROBITY_QUEUE_PREFIX, concurrency: s.NOTICE_CONCURRENCY, slack: Boolean(slack) }, 'notice worker started');

  return {
    async stop() {
      clearInterval(outboxTimer);
      clearInterval(checkpointTimer);
      clearInterval(reportTimer);
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), Math.max(100, s.PROBITY_SHUTDOWN_MS - 1000)).unref());
      const result = await Promise.race([worker.close().then(() => 'closed' as const), timeout]);
      if (result === 'timeout') log.warn({}, 'jobs still running at shutdown timeout; they will be retried by the next worker');
      await dispatcher.close().catch(() => undefined);
      email.close();
    },
    reload() {
      const next = council();
      service.setCouncil(next);
      return { council: next.council };
    },
  };
});
