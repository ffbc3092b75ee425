/** "Dismiss": remove the warning (only the author ever saw it). */
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { errorFields } from '../../../queue/log.js';
import type { SlackDeps } from '../../deps.js';

export function dismissAction(deps: SlackDeps) {
  return async ({ ack, respond, body }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>): Promise<void> => {
    await ack();
    try {
      await respond({ delete_original: true });
    } catch (error) {
      deps.log.warn({ user: body.user.id, ...errorFields(error) }, 'could not dismiss the warning');
    }
  };
}
