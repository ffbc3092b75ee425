/**
 * The Slack app process: Slack's request URLs (events, /probity, shortcuts, interactivity) on SLACK_PORT. It
 * checks nothing itself: it queues lint jobs for the lint worker and records feedback. SIGHUP: council.yaml
 * again (who is in the directory, how long feedback is kept). Settings: docs/settings.md.
 *
 *   node dist/workers/slack.js        (node --import tsx workers/slack.ts from a checkout)
 */
import { connectionReady } from '../src/http/health.js';
import { enquiryMessageListener } from '../src/enquiries/slack-intake.js';
import { enquiryService, reloadEnquiries } from '../src/enquiries/wiring.js';
import type { Council } from '../src/directory/council.js';
import { ApiLinkAnswers } from '../src/http/link-answers.js';
import { LinkKeys } from '../src/http/offer-links.js';
import { runProcess } from '../src/process/run.js';
import { createLintProducer } from '../src/queue/lint-queue.js';
import { QueueKeys } from '../src/queue/sealed.js';
import { errorFields } from '../src/queue/log.js';
import { boltLogger, createSlackApp } from '../src/slack/app.js';
import { redisChannelMembers } from '../src/slack/channel-members.js';
import { redisDeduper } from '../src/slack/dedupe.js';
import type { SlackDeps } from '../src/slack/deps.js';
import { redisFeedbackStore } from '../src/slack/feedback-store.js';
import { SLACK_RESPONSE_URL_PREFIX } from '../src/slack/web-client.js';

/**
 * Every write trims feedback older than the period; this sweep covers quiet spells with no writes, so a record
 * outlives `retention.events` by at most an hour (or by one period, when that is shorter).
 */
const FEEDBACK_TRIM_INTERVAL_MS = 60 * 60 * 1000;

await runProcess('slack', async ({ settings: s, log, redis, ready, council }) => {
  const keyPrefix = `${s.PROBITY_REDIS_PREFIX}:`;
  const connection = redis('producer', 'slack');
  // Member enquiries asked on Slack are scheduled on the enquiries queue (BullMQ's connection profile).
  const enquiryQueue = redis('worker', 'enquiries-queue');
  await ready();
  // Message text is sealed before it reaches Redis (src/queue/sealed.ts).
  const lint = createLintProducer({ connection, prefix: s.PROBITY_REDIS_PREFIX, keys: QueueKeys.parse(s.PROBITY_QUEUE_KEYS), log });
  // Acknowledgements and false alarms are audit events: council.yaml's `retention.events` says how long they stay.
  const feedbackFor = (c: Council) => redisFeedbackStore(connection, { keyPrefix, retentionMs: c.retention.events });
  const directory = council();
  const deps: SlackDeps = {
    council: directory,
    lint,
    dedupe: redisDeduper(connection, keyPrefix),
    feedback: feedbackFor(directory),
    members: redisChannelMembers(connection, keyPrefix),
    log,
    responseUrlPrefix: s.SLACK_RESPONSE_URL_PREFIX ?? SLACK_RESPONSE_URL_PREFIX,
  };
  // The briefing notices' Accept / Decline buttons: checked here, answered through the API's answer route (the
  // API writes the ledger, with its signed heads and checkpoints).
  if (s.PROBITY_LINK_KEYS) {
    deps.briefings = new ApiLinkAnswers(LinkKeys.parse(s.PROBITY_LINK_KEYS), s.PROBITY_PUBLIC_URL ?? 'http://localhost:3000');
  } else {
    log.warn({}, 'PROBITY_LINK_KEYS is not set: the Accept / Decline buttons in briefing notices will ask people to use their email link');
  }
  const trimTimer = setInterval(
    () => {
      deps.feedback.trim().catch((error: unknown) => log.warn(errorFields(error), 'feedback trim failed'));
    },
    Math.min(FEEDBACK_TRIM_INTERVAL_MS, directory.retention.events),
  );
  trimTimer.unref();

  const slack = createSlackApp({
    signingSecret: s.SLACK_SIGNING_SECRET,
    token: s.SLACK_BOT_TOKEN,
    ...(s.SLACK_API_URL ? { slackApiUrl: s.SLACK_API_URL } : {}),
    logger: boltLogger(log),
    deps,
    // 503 with the reason while Redis is away: the app's own connection fails fast, the enquiry queue's waits.
    health: [
      { name: "the Slack app's Redis", check: () => connection.ping() },
      { name: "the enquiry queue's Redis", check: () => connectionReady(enquiryQueue) },
    ],
  });
  // Member enquiries (src/enquiries/slack-intake.ts): a councillor's question to an officer opens one; the officer's
  // reply in its thread acknowledges, holds or answers it. Beside the linter's listener, on the same events.
  const enquiries = enquiryService({
    council: directory,
    redis: connection,
    queue: enquiryQueue,
    prefix: s.PROBITY_ENQUIRIES_PREFIX,
    queuePrefix: s.PROBITY_QUEUE_PREFIX,
    clock: () => new Date(),
  });
  slack.app.event('message', enquiryMessageListener({ service: enquiries.service, log }));
  const port = await slack.start(s.SLACK_PORT, s.SLACK_HOST);
  log.info({ port, council: directory.council, people: directory.people.length }, 'slack app listening');

  return {
    async stop() {
      clearInterval(trimTimer);
      await slack.stop().catch((error: unknown) => log.warn(errorFields(error), 'slack receiver stop'));
      await lint.close().catch(() => undefined);
      await enquiries.scheduler.close().catch(() => undefined);
    },
    // The listeners read deps at each request, so the next event sees the new directory.
    reload() {
      const next = council();
      deps.council = next;
      deps.feedback = feedbackFor(next);
      reloadEnquiries(enquiries.service, next);
      return { council: next.council, people: next.people.length };
    },
  };
});
