/** Someone left a channel the app is in: drop the channel's cached member list, so they are no longer addressed there. */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { errorFields } from '../../../queue/log.js';
import type { SlackDeps } from '../../deps.js';

export function memberLeftListener(deps: SlackDeps) {
  return async ({ event }: AllMiddlewareArgs & SlackEventMiddlewareArgs<'member_left_channel'>): Promise<void> => {
    try {
      await deps.members.invalidate(event.channel);
      deps.log.info({ channel: event.channel, user: event.user }, 'slack channel member left');
    } catch (error) {
      // The cached list then lives out its TTL.
      deps.log.warn({ channel: event.channel, ...errorFields(error) }, 'could not refresh channel members');
    }
  };
}
