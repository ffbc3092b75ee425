/**
 * The IMAP drafts watcher process: one IDLE session per configured mailbox, each new or changed draft put on
 * the `lint` queue as an `imap-draft` job (by reference, debounced per draft). The lint worker does the check
 * and delivers the nudge. Configuration: docs/imap.md. Credentials come from the environment and are never logged.
 *
 *   node --import tsx workers/imap-watcher.ts
 */
import '../src/process/fatal.js';
import { Queue } from 'bullmq';
import { DEFAULT_DEBOUNCE_MS, enqueueDraft } from '../src/mail/draft-job.js';
import { mailboxesFromEnv } from '../src/mail/imap-config.js';
import { DraftState } from '../src/mail/imap-state.js';
import { DEFAULT_LOOKBACK_MS, DEFAULT_RESCAN_INTERVAL_MS, DraftsWatcher } from '../src/mail/imap-watcher.js';
import { LINT_JOB_OPTIONS, LINT_QUEUE } from '../src/queue/lint-jobs.js';
import { logLevel, redisSettings } from '../src/queue/env.js';
import { errorFields, jsonLog } from '../src/queue/log.js';
import { workerConnection } from '../src/queue/redis.js';

/** How long SIGTERM waits for sessions to log out (docker sends SIGKILL after 10 s). */
const SHUTDOWN_MS = 8_000;

function numberFromEnv(name: string, fallback: number): number {
  const text = process.env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number of milliseconds`);
  return value;
}

async function main(): Promise<void> {
  const log = jsonLog('imap-watcher', { level: logLevel(process.env) });
  const mailboxes = mailboxesFromEnv(process.env);
  if (mailboxes.length === 0) {
    log.error({}, 'PROBITY_IMAP_MAILBOXES lists no mailbox: nothing to watch');
    process.exitCode = 1;
    return;
  }
  // The same queue prefix and key prefix as the lint worker, which runs the imap-draft jobs.
  const { url, prefix, keyPrefix } = redisSettings(process.env);
  // A long-running process: commands wait for Redis to come back rather than fail, so no draft is dropped.
  const redis = workerConnection(url, { connectionName: 'probity-imap-watcher' });
  redis.on('error', (error) => log.warn(errorFields(error), 'redis error'));
  const queue = new Queue(LINT_QUEUE, { connection: redis, prefix, defaultJobOptions: LINT_JOB_OPTIONS });
  queue.on('error', (error) => log.warn(errorFields(error), 'queue error'));
  const state = new DraftState(redis, keyPrefix);
  const debounceMs = numberFromEnv('PROBITY_IMAP_DEBOUNCE_MS', DEFAULT_DEBOUNCE_MS);
  const rescanIntervalMs = numberFromEnv('PROBITY_IMAP_RESCAN_MS', DEFAULT_RESCAN_INTERVAL_MS);
  const lookbackMs = numberFromEnv('PROBITY_IMAP_LOOKBACK_HOURS', DEFAULT_LOOKBACK_MS / 3600_000) * 3600_000;

  const watchers = mailboxes.map(
    (mailbox) =>
      new DraftsWatcher({
        mailbox,
        state,
        log,
        rescanIntervalMs,
        lookbackMs,
        enqueue: (job, messageId) => enqueueDraft(queue, job, messageId, debounceMs),
      }),
  );
  for (const watcher of watchers) watcher.start();
  log.info({ mailboxes: mailboxes.map((m) => m.id), debounceMs }, 'imap watcher started');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'imap watcher stopping');
    const timer = setTimeout(() => {
      log.warn({}, 'imap watcher shutdown timed out');
      process.exit(1);
    }, SHUTDOWN_MS);
    timer.unref();
    await Promise.allSettled(watchers.map((w) => w.stop()));
    await queue.close();
    await redis.quit();
    clearTimeout(timer);
    log.info({}, 'imap watcher stopped');
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // Configuration errors name the variable, never its value.
  process.stderr.write(`imap-watcher: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
