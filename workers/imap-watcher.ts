/**
 * The IMAP drafts watcher process: one IDLE session per configured mailbox, each new or changed draft put on
 * the `lint` queue as an `imap-draft` job (by reference, debounced per draft). The lint worker does the check
 * and delivers the nudge. It reads no council.yaml. Configuration: docs/imap.md and docs/settings.md;
 * credentials are never logged.
 *
 *   node dist/workers/imap-watcher.js        (node --import tsx workers/imap-watcher.ts from a checkout)
 */
import { Queue } from 'bullmq';
import { enqueueDraft } from '../src/mail/draft-job.js';
import { readMailboxes } from '../src/mail/imap-config.js';
import { DraftState } from '../src/mail/imap-state.js';
import { DraftsWatcher } from '../src/mail/imap-watcher.js';
import { runProcess } from '../src/process/run.js';
import { LINT_JOB_OPTIONS, LINT_QUEUE } from '../src/queue/lint-jobs.js';
import { errorFields } from '../src/queue/log.js';

await runProcess('imap-watcher', async ({ settings: s, env, log, redis, ready }) => {
  // Validated with the settings; PROBITY_IMAP_<ID>_* are named after the council's own mailbox ids.
  const { mailboxes } = readMailboxes(env);
  // A long-running process: commands wait for Redis to come back rather than fail, so no draft is dropped.
  const connection = redis('worker', 'imap');
  await ready();
  // The same queue prefix and key prefix as the lint worker, which runs the imap-draft jobs.
  const queue = new Queue(LINT_QUEUE, { connection, prefix: s.PROBITY_REDIS_PREFIX, defaultJobOptions: LINT_JOB_OPTIONS });
  queue.on('error', (error) => log.warn(errorFields(error), 'queue error'));
  const state = new DraftState(connection, `${s.PROBITY_REDIS_PREFIX}:`);
  const watchers = mailboxes.map(
    (mailbox) =>
      new DraftsWatcher({
        mailbox,
        state,
        log,
        rescanIntervalMs: s.PROBITY_IMAP_RESCAN_MS,
        lookbackMs: s.PROBITY_IMAP_LOOKBACK_HOURS * 3600_000,
        enqueue: (job, messageId) => enqueueDraft(queue, job, messageId, s.PROBITY_IMAP_DEBOUNCE_MS),
      }),
  );
  for (const watcher of watchers) watcher.start();
  log.info({ mailboxes: mailboxes.map((m) => m.id), debounceMs: s.PROBITY_IMAP_DEBOUNCE_MS }, 'imap watcher started');

  return {
    async stop() {
      await Promise.allSettled(watchers.map((w) => w.stop()));
      await queue.close();
    },
  };
});
