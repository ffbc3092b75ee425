/**
 * An on-demand private check (slash command, draft modal, message shortcut): lint everything (info included) at
 * the council's `pre-send` confidence threshold and answer the person who asked, through the interaction's
 * response_url or by updating their modal. A draft or message in a channel addresses that channel's members, as
 * a posted message would.
 */
import { RateLimitError, UnrecoverableError } from 'bullmq';
import { resolve } from '../../directory/council.js';
import { atConfidence } from '../../lint/confidence.js';
import type { LintProcessor } from '../../queue/processor.js';
import { audienceOf } from '../audience.js';
import { checkResultMessage, draftModal } from '../blocks.js';
import { postResponse, ResponseUrlRateLimited, rethrowForQueue, slackErrorCode } from '../web-client.js';
import { slackJobToMessage } from './slack-message.processor.js';

export const slackCheckProcessor: LintProcessor<'slack-check'> = async (job, context) => {
  const slack = context.slack;
  if (!slack) throw new UnrecoverableError('Slack is not configured for this worker (SLACK_BOT_TOKEN)');
  const council = context.linter.council;
  let to: string[];
  try {
    to = await audienceOf({ channel: job.channel, author: job.from, text: job.text, mentions: job.to }, { client: slack.client, council, context });
  } catch (error) {
    return rethrowForQueue(error, context.rateLimit);
  }
  const result = context.linter.lint(slackJobToMessage({ channel: job.channel ?? 'draft', ts: job.ts ?? 'draft', user: job.from, to, text: job.text }));
  const findings = atConfidence(result.findings, council, 'pre-send');

  if (job.reply.via === 'view') {
    try {
      await slack.client.views.update({
        view_id: job.reply.viewId,
        view: draftModal({ status: 'result', draft: job.text, to: job.to, findings, councilName: council.council }),
      });
    } catch (error) {
      // The person closed the modal before the answer came: nothing to show it to.
      if (slackErrorCode(error) === 'not_found') return { findings: findings.length, delivered: 'none' };
      return rethrowForQueue(error, context.rateLimit);
    }
    return { findings: findings.length, delivered: 'view' };
  }

  const author = job.source === 'message-shortcut' && job.from !== job.user ? resolve(council, job.from) : undefined;
  const message = checkResultMessage(findings, {
    subject: job.source === 'message-shortcut' ? 'message' : 'draft',
    councilName: council.council,
    ...(author ? { authorName: author.name } : {}),
  });
  try {
    await postResponse(job.reply.url, { ...message, replace_original: false }, { allowedPrefix: slack.responseUrlPrefix });
  } catch (error) {
    if (error instanceof ResponseUrlRateLimited) {
      await context.rateLimit(error.retryAfterSeconds * 1000);
      throw new RateLimitError();
    }
    throw error;
  }
  return { findings: findings.length, delivered: 'response_url' };
};
