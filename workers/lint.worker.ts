/**
 * The lint worker process: takes jobs off the BullMQ `lint` queue (Slack messages and checks, IMAP drafts), runs
 * the engine and delivers the result. Run one or more. SIGTERM: stop taking jobs, let running ones finish (up to
 * PROBITY_SHUTDOWN_MS). SIGHUP: council.yaml again. Settings: docs/settings.md.
 *
 *   node dist/workers/lint.worker.js        (node --import tsx workers/lint.worker.ts from a checkout)
 */
import type { Council } from '../src/directory/council.js';
import { loadLinter } from '../src/lint/load.js';
import { readMailboxes } from '../src/mail/imap-config.js';
import { imapDraftProcessor, type ImapContext } from '../src/mail/imap-draft-processor.js';
import { ReloadableLinter } from '../src/process/council.js';
import { runProcess } from '../src/process/run.js';
import { createLintWorker } from '../src/queue/lint-worker.js';
import type { ProcessorRegistry } from '../src/queue/processor.js';
import { slackCheckProcessor } from '../src/slack/processors/slack-check.processor.js';
import { slackMessageProcessor } from '../src/slack/processors/slack-message.processor.js';
import { QueueKeys } from '../src/queue/sealed.js';
import { createSlackClient, SLACK_RESPONSE_URL_PREFIX } from '../src/slack/web-client.js';

/**
 * Job name → processor for the `lint` queue: the worker dispatches on `job.name`. To add a channel: its payload
 * type in src/queue/lint-jobs.ts, its processor in the channel's own folder, and one line here.
 */
const processors: ProcessorRegistry = {
  'slack-message': slackMessageProcessor,
  'slack-check': slackCheckProcessor,
  'imap-draft': imapDraftProcessor,
};

await runProcess('lint-worker', async ({ settings: s, env, log, redis, ready, council }) => {
  const linter = new ReloadableLinter(loadLinter({ council: council() }));
  const nudgeFrom = (c: Council) => s.PROBITY_NUDGE_FROM ?? `Probity <probity@${c.domain ?? 'localhost'}>`;
  // Validated with the settings; PROBITY_IMAP_<ID>_* are named after the council's own mailbox ids.
  const { mailboxes } = readMailboxes(env);
  const imap: ImapContext | undefined = mailboxes.length
    ? {
        mailboxes: new Map(mailboxes.map((m) => [m.id, m])),
        minSeverity: s.PROBITY_IMAP_MIN_SEVERITY,
        nudgeFrom: nudgeFrom(linter.council),
        keyword: s.PROBITY_IMAP_KEYWORD,
      }
    : undefined;
  const slack = s.SLACK_BOT_TOKEN
    ? {
        client: createSlackClient(s.SLACK_BOT_TOKEN, s.SLACK_API_URL ? { slackApiUrl: s.SLACK_API_URL } : {}),
        responseUrlPrefix: s.SLACK_RESPONSE_URL_PREFIX ?? SLACK_RESPONSE_URL_PREFIX,
        warnAt: s.SLACK_WARN_SEVERITY,
      }
    : undefined;

  const connection = redis('worker', 'lint');
  await ready();
  const keyPrefix = `${s.PROBITY_REDIS_PREFIX}:`;
  const lint = createLintWorker({
    connection,
    prefix: s.PROBITY_REDIS_PREFIX,
    concurrency: s.PROBITY_LINT_CONCURRENCY,
    lockDurationMs: s.PROBITY_LINT_LOCK_MS,
    processors,
    // Opens the Slack app's sealed jobs (src/queue/sealed.ts).
    ...(s.PROBITY_QUEUE_KEYS ? { keys: QueueKeys.parse(s.PROBITY_QUEUE_KEYS) } : {}),
    context: { linter, redis: connection, keyPrefix, log, ...(slack ? { slack } : {}), ...(imap ? { imap } : {}) },
  });
  lint.worker.once('ready', () => {
    log.info(
      { council: linter.council.council, prefix: s.PROBITY_REDIS_PREFIX, slack: Boolean(slack), mailboxes: mailboxes.map((m) => m.id) },
      'lint worker ready',
    );
  });

  return {
    async stop() {
      const outcome = await lint.shutdown(Math.max(100, s.PROBITY_SHUTDOWN_MS - 1000));
      log.info({ outcome }, 'lint jobs in hand');
    },
    reload() {
      linter.replace(loadLinter({ council: council() }));
      if (imap) imap.nudgeFrom = nudgeFrom(linter.council);
      return { council: linter.council.council };
    },
  };
});
