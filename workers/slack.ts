/**
 * The Slack app process: Slack's request URLs (events, /probity, shortcuts, interactivity) on SLACK_PORT. It
 * checks nothing itself: it queues lint jobs for the lint worker and records feedback.
 * Run: `node --import tsx workers/slack.ts`.
 */
import '../src/process/fatal.js';
import { readFileSync } from 'node:fs';
import { LogLevel } from '@slack/bolt';
import { parseCouncil } from '../src/directory/council.js';
import { councilFile, logLevel, positiveInt, redisSettings, required } from '../src/queue/env.js';
import { createLintProducer } from '../src/queue/lint-queue.js';
import { errorFields, jsonLog } from '../src/queue/log.js';
import { producerConnection, whenReady } from '../src/queue/redis.js';
import { createSlackApp } from '../src/slack/app.js';
import { redisChannelMembers } from '../src/slack/channel-members.js';
import { redisDeduper } from '../src/slack/dedupe.js';
import { redisFeedbackStore } from '../src/slack/feedback-store.js';
import { SLACK_RESPONSE_URL_PREFIX } from '../src/slack/web-client.js';

const env = process.env;
const log = jsonLog('slack', { level: logLevel(env) });
const redisConfig = redisSettings(env);
const file = councilFile(env);
const council = parseCouncil(readFileSync(file, 'utf8'), file);

const redis = producerConnection(redisConfig.url);
redis.on('error', (error) => log.warn(errorFields(error), 'redis connection error'));
await whenReady(redis);
const lint = createLintProducer({ connection: redis, prefix: redisConfig.prefix, log });
// Acknowledgements and false alarms are audit events: council.yaml's `retention.events` says how long they stay.
const feedback = redisFeedbackStore(redis, { keyPrefix: redisConfig.keyPrefix, retentionMs: council.retention.events });

/**
 * Every write trims feedback older than the period; this sweep covers quiet spells with no writes, so a record
 * outlives `retention.events` by at most an hour (or by one period, when that is shorter).
 */
const FEEDBACK_TRIM_INTERVAL_MS = 60 * 60 * 1000;
const trimTimer = setInterval(() => {
  feedback.trim().catch((error: unknown) => log.warn(errorFields(error), 'feedback trim failed'));
}, Math.min(FEEDBACK_TRIM_INTERVAL_MS, council.retention.events));
trimTimer.unref();

const slack = createSlackApp({
  signingSecret: required(env, 'SLACK_SIGNING_SECRET'),
  token: required(env, 'SLACK_BOT_TOKEN'),
  ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
  logLevel: logLevel(env) === 'debug' ? LogLevel.DEBUG : LogLevel.WARN,
  deps: {
    council,
    lint,
    dedupe: redisDeduper(redis, redisConfig.keyPrefix),
    feedback,
    members: redisChannelMembers(redis, redisConfig.keyPrefix),
    log,
    responseUrlPrefix: env.SLACK_RESPONSE_URL_PREFIX?.trim() || SLACK_RESPONSE_URL_PREFIX,
  },
});
const port = await slack.start(positiveInt(env, 'SLACK_PORT', 3000), env.SLACK_HOST?.trim() || '0.0.0.0');
log.info({ port, council: council.council, people: council.people.length, pid: process.pid }, 'slack app listening');

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'slack app stopping');
  clearInterval(trimTimer);
  await slack.stop().catch((error: unknown) => log.warn(errorFields(error), 'slack receiver stop'));
  await lint.close().catch(() => undefined);
  await redis.quit().catch(() => redis.disconnect());
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
