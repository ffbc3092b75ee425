/**
 * Enquiries by Slack: a `message` listener beside the linter's, on the same Bolt app. A councillor's message that
 * asks an officer something (named with @, or in a channel council.yaml lists as an enquiry channel) opens an
 * enquiry; an officer's reply in its thread acknowledges, holds or answers it, as an email reply does. The message
 * ts is the thread key, so Slack's retries of an event change nothing the second time. Bolt has already
 * acknowledged the event; nothing here is slow.
 */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { resolve } from '../directory/council.js';
import { errorFields, type Log } from '../queue/log.js';
import { checkableMessage } from '../slack/listeners/events/message.listener.js';
import { fromSlackMarkup } from '../slack/message-text.js';
import type { EnquiryService, IntakeResult } from './service.js';

export interface SlackIntakeDeps {
  service: Pick<EnquiryService, 'intake' | 'council' | 'settings'>;
  log: Pick<Log, 'info' | 'warn' | 'debug'>;
  /** Tests wait on it. */
  onIntake?: (result: IntakeResult) => void;
}

export function enquiryMessageListener(deps: SlackIntakeDeps) {
  return async ({ event, body }: AllMiddlewareArgs & SlackEventMiddlewareArgs<'message'>): Promise<void> => {
    const seen = checkableMessage(event as Parameters<typeof checkableMessage>[0]);
    // Only what a person posted; an edit does not open a second enquiry.
    if ('skip' in seen || seen.kind !== 'posted') return;
    const council = deps.service.council;
    if (!resolve(council, seen.user)) return;
    const channel = (event as { channel: string }).channel;
    const { text, mentions } = fromSlackMarkup(seen.text, council);
    const inEnquiryChannel = deps.service.settings.slackChannels.includes(channel);
    try {
      const result = await deps.service.intake({
        channel: 'slack',
        from: seen.user,
        to: [...mentions.filter((id) => id !== seen.user), ...(inEnquiryChannel ? [channel] : [])],
        cc: [],
        bcc: [],
        text,
        slack: { channel, ts: seen.ts, ...(seen.threadTs ? { threadTs: seen.threadTs } : {}) },
        receivedAt: new Date(Math.round(Number(seen.ts) * 1000)),
      });
      if (result.action !== 'ignored')
        deps.log.info(
          { eventId: body.event_id, channel, ts: seen.ts, action: result.action, ...(result.enquiry ? { enquiry: result.enquiry.id } : {}) },
          'slack enquiry message',
        );
      deps.onIntake?.(result);
    } catch (error) {
      deps.log.warn({ eventId: body.event_id, channel, ...errorFields(error) }, 'could not read slack message for enquiries');
    }
  };
}
