/**
 * A message was posted (or edited) by someone in the directory: lint it with the people it addresses (the
 * channel's members, named or not: see audience.ts) and, if anything is at or above the warn level and as sure as
 * the council's `post-send` threshold asks, tell the author privately with an ephemeral message next to it. If an
 * edit clears a warned message, say so. Text is in memory only for this call.
 */
import { UnrecoverableError } from 'bullmq';
import { atConfidence } from '../../lint/confidence.js';
import { SEVERITIES, type Finding, type Message, type Severity } from '../../lint/types.js';
import type { SlackMessageJob } from '../../queue/lint-jobs.js';
import type { LintProcessor, ProcessorContext } from '../../queue/processor.js';
import { audienceOf } from '../audience.js';
import { resolvedMessage, warningMessage, type SlackMessagePayload } from '../blocks.js';
import { rethrowForQueue, slackErrorCode, type SlackDelivery } from '../web-client.js';

/**
 * A warned message can be edited for days; after a week a fix no longer gets a "thank you". The marker is a
 * finding record (this message was warned), so the council's findings retention caps it when that is shorter.
 */
const WARNED_MARKER_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** postEphemeral errors meaning "the author cannot get an ephemeral here": fall back to the app's DM with them. */
const EPHEMERAL_UNDELIVERABLE = new Set(['user_not_in_channel', 'channel_not_found', 'not_in_channel']);

export function slackJobToMessage(job: Pick<SlackMessageJob, 'channel' | 'ts' | 'user' | 'to' | 'text' | 'sentAt'>): Message {
  return {
    id: `slack-${job.channel}-${job.ts}`,
    channel: 'slack',
    from: job.user,
    to: job.to,
    cc: [],
    bcc: [],
    text: job.text,
    ...(job.sentAt ? { sentAt: job.sentAt } : {}),
  };
}

export function atOrAbove(findings: readonly Finding[], level: Severity): Finding[] {
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  return findings.filter((f) => rank(f.severity) <= rank(level));
}

export const slackMessageProcessor: LintProcessor<'slack-message'> = async (job, context) => {
  const slack = context.slack;
  if (!slack) throw new UnrecoverableError('Slack is not configured for this worker (SLACK_BOT_TOKEN)');
  const council = context.linter.council;
  let to: string[];
  try {
    to = await audienceOf({ channel: job.channel, author: job.user, text: job.text, mentions: job.to }, { client: slack.client, council, context });
  } catch (error) {
    return rethrowForQueue(error, context.rateLimit);
  }
  const result = context.linter.lint(slackJobToMessage({ ...job, to }));
  // A warning nobody asked for: only what is serious enough and what Probity is sure enough of.
  const findings = atConfidence(atOrAbove(result.findings, slack.warnAt), council, 'post-send');
  const marker = `${context.keyPrefix}slack:warned:${job.channel}:${job.ts}`;

  if (findings.length === 0) {
    if (job.kind === 'edited' && (await context.redis.del(marker)) > 0) {
      const delivered = await deliver(slack, context, job, resolvedMessage());
      return { findings: 0, delivered };
    }
    return { findings: 0, delivered: 'none' };
  }

  const permalink = await permalinkOf(slack, context, job);
  const payload = warningMessage(findings, {
    channel: job.channel,
    ts: job.ts,
    edited: job.kind === 'edited',
    ...(permalink ? { permalink } : {}),
  });
  const delivered = await deliver(slack, context, job, payload);
  await context.redis.set(marker, '1', 'PX', Math.min(WARNED_MARKER_TTL_MS, council.retention.findings));
  context.log.info(
    { channel: job.channel, ts: job.ts, user: job.user, addressees: to.length, findings: findings.length, rules: findings.map((f) => f.rule), delivered },
    'slack warning sent',
  );
  return { findings: findings.length, delivered };
};

async function permalinkOf(slack: SlackDelivery, context: ProcessorContext, job: SlackMessageJob): Promise<string | undefined> {
  try {
    const { permalink } = await slack.client.chat.getPermalink({ channel: job.channel, message_ts: job.ts });
    return permalink;
  } catch (error) {
    // The warning is still worth sending without the link.
    context.log.warn({ channel: job.channel, ts: job.ts, slackError: slackErrorCode(error) ?? 'request' }, 'no permalink');
    return undefined;
  }
}

/** Ephemeral to the author beside the message; if Slack says they cannot get one there, the app's DM with them. */
async function deliver(slack: SlackDelivery, context: ProcessorContext, job: SlackMessageJob, payload: SlackMessagePayload): Promise<'ephemeral' | 'dm'> {
  try {
    await slack.client.chat.postEphemeral({
      channel: job.channel,
      user: job.user,
      text: payload.text,
      blocks: payload.blocks,
      ...(job.threadTs ? { thread_ts: job.threadTs } : {}),
    });
    return 'ephemeral';
  } catch (error) {
    const code = slackErrorCode(error);
    if (!code || !EPHEMERAL_UNDELIVERABLE.has(code)) return rethrowForQueue(error, context.rateLimit);
    context.log.info({ channel: job.channel, ts: job.ts, user: job.user, slackError: code }, 'ephemeral undeliverable; sending DM');
  }
  try {
    // A user id as channel posts in the app's Messages tab with that person (chat:write is enough).
    await slack.client.chat.postMessage({ channel: job.user, text: payload.text, blocks: payload.blocks });
    return 'dm';
  } catch (error) {
    return rethrowForQueue(error, context.rateLimit);
  }
}
