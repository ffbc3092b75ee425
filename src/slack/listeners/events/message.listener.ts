/**
 * Every message the app can see: if a person in the directory wrote (or edited) it, queue a check and return.
 * Bolt has already acknowledged the event; Slack's retries of the same event id are dropped here.
 */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { resolve } from '../../../directory/council.js';
import { lintJobId } from '../../../queue/lint-jobs.js';
import { errorFields } from '../../../queue/log.js';
import type { SlackDeps } from '../../deps.js';
import { fromSlackMarkup, tsToIso } from '../../message-text.js';

/** The fields we read from a message event (Bolt's union of ~30 subtypes is wider than we need). */
interface RawMessage {
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  message?: RawMessage;
  previous_message?: RawMessage;
}

/** Subtypes that are a person writing. Joins, topic changes, bot posts and deletions are not checked. */
const WRITTEN_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast', 'me_message']);

export type Checkable =
  { kind: 'posted' | 'edited'; user: string; text: string; ts: string; threadTs?: string } | { skip: 'not-written' | 'bot' | 'empty' | 'unchanged' };

/** Pure: what in this event, if anything, is a person's words to check. */
export function checkableMessage(event: RawMessage): Checkable {
  let kind: 'posted' | 'edited' = 'posted';
  let message = event;
  if (event.subtype === 'message_changed') {
    if (!event.message) return { skip: 'not-written' };
    // Link unfurls and reactions also arrive as message_changed, with the text unchanged.
    if (event.previous_message && event.previous_message.text === event.message.text) return { skip: 'unchanged' };
    kind = 'edited';
    message = event.message;
  }
  if (!WRITTEN_SUBTYPES.has(message.subtype)) return { skip: 'not-written' };
  if (message.bot_id || !message.user) return { skip: 'bot' };
  if (!message.text?.trim() || !message.ts) return { skip: 'empty' };
  const threadTs = message.thread_ts && message.thread_ts !== message.ts ? message.thread_ts : undefined;
  return { kind, user: message.user, text: message.text, ts: message.ts, ...(threadTs ? { threadTs } : {}) };
}

export function messageListener(deps: SlackDeps) {
  return async ({ event, body, context }: AllMiddlewareArgs & SlackEventMiddlewareArgs<'message'>): Promise<void> => {
    const eventId = body.event_id;
    const channel = event.channel;
    const seen = checkableMessage(event as RawMessage);
    if ('skip' in seen) {
      deps.log.debug({ eventId, channel, reason: seen.skip }, 'slack message ignored');
      return;
    }
    if (!resolve(deps.council, seen.user)) {
      deps.log.info({ eventId, channel, reason: 'not-in-directory' }, 'slack message ignored');
      return;
    }
    try {
      if (!(await deps.dedupe.claim(eventId))) {
        deps.log.info({ eventId, channel, retryNum: context.retryNum }, 'slack event already handled');
        return;
      }
    } catch (error) {
      deps.log.error({ eventId, channel, ...errorFields(error) }, 'could not check slack event id');
      return;
    }
    const { text, mentions } = fromSlackMarkup(seen.text, deps.council);
    const sentAt = tsToIso(seen.ts);
    try {
      await deps.lint.add(
        'slack-message',
        {
          kind: seen.kind,
          eventId,
          ...(body.team_id ? { teamId: body.team_id } : {}),
          channel,
          ts: seen.ts,
          ...(seen.threadTs ? { threadTs: seen.threadTs } : {}),
          user: seen.user,
          to: mentions.filter((id) => id !== seen.user),
          text,
          ...(sentAt ? { sentAt } : {}),
        },
        { id: lintJobId('slack-message', eventId) },
      );
      deps.log.info({ eventId, channel, ts: seen.ts, kind: seen.kind }, 'slack message queued');
    } catch (error) {
      // Let a redelivery through (Slack retries only if it did not get our ack, but Socket Mode redelivers).
      await deps.dedupe.release(eventId).catch(() => undefined);
      deps.log.error({ eventId, channel, ...errorFields(error) }, 'could not queue slack message');
    }
  };
}
