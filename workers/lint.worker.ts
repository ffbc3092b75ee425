/**
 * The lint worker process: takes jobs off the BullMQ `lint` queue (Slack messages and checks, IMAP drafts), runs
 * the engine and delivers the result. Run one or more: `node --import tsx workers/lint.worker.ts`.
 *
 * SIGTERM/SIGINT: stop taking jobs, let running ones finish (up to LINT_WORKER_SHUTDOWN_MS), exit 0.
 */
import '../src/process/fatal.js';
import { loadLinter } from '../src/lint/load.js';
import { councilFile, logLevel, positiveInt, redisSettings, severitySetting } from '../src/queue/env.js';
import { createLintWorker, LINT_LOCK_DURATION_MS, LINT_WORKER_CONCURRENCY, LINT_WORKER_SHUTDOWN_MS, MIN_LINT_LOCK_MS } from '../src/queue/lint-worker.js';
import { errorFields, jsonLog } from '../src/queue/log.js';
import { workerConnection } from '../src/queue/redis.js';
import { createSlackClient, SLACK_RESPONSE_URL_PREFIX, type SlackDelivery } from '../src/slack/web-client.js';

const env = process.env;
const log = jsonLog('lint-worker', { level: logLevel(env) });
const redisConfig = redisSettings(env);
const linter = loadLinter({ councilFile: councilFile(env) });
const connection = workerConnection(redisConfig.url);
connection.on('error', (error) => log.warn(errorFields(error), 'redis connection error'));

const token = env.SLACK_BOT_TOKEN?.trim();
const slack: SlackDelivery | undefined = token
  ? {
      client: createSlackClient(token, env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
      responseUrlPrefix: env.SLACK_RESPONSE_URL_PREFIX?.trim() || SLACK_RESPONSE_URL_PREFIX,
      warnAt: severitySetting(env, 'SLACK_WARN_SEVERITY', 'warning'),
    }
  : undefined;

/** Below a few seconds a busy worker's own jobs look stalled and run twice; refuse it rather than find out. */
function lockSetting(env: NodeJS.ProcessEnv): number {
  const ms = positiveInt(env, 'PROBITY_LINT_LOCK_MS', LINT_LOCK_DURATION_MS);
  if (ms < MIN_LINT_LOCK_MS) throw new Error(`PROBITY_LINT_LOCK_MS must be at least ${MIN_LINT_LOCK_MS} (milliseconds)`);
  return ms;
}

const lint = createLintWorker({
  connection,
  prefix: redisConfig.prefix,
  concurrency: positiveInt(env, 'PROBITY_LINT_CONCURRENCY', LINT_WORKER_CONCURRENCY),
  lockDurationMs: lockSetting(env),
  context: { linter, redis: connection, keyPrefix: redisConfig.keyPrefix, log, ...(slack ? { slack } : {}) },
});
lint.worker.once('ready', () => {
  log.info({ council: linter.council.council, prefix: redisConfig.prefix, slack: Boolean(slack), pid: process.pid }, 'lint worker ready');
});

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'lint worker stopping');
  const outcome = await lint.shutdown(positiveInt(env, 'PROBITY_SHUTDOWN_MS', LINT_WORKER_SHUTDOWN_MS));
  await connection.quit().catch(() => connection.disconnect());
  log.info({ outcome }, 'lint worker stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
