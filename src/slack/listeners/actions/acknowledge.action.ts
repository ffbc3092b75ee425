/** "Acknowledge…" on a warning: ask for a reason in a modal (the recording happens on submit). */
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { errorFields } from '../../../queue/log.js';
import { acknowledgeModal, decodeWarningRef } from '../../blocks.js';
import type { SlackDeps } from '../../deps.js';

export function acknowledgeAction(deps: SlackDeps) {
  return async ({ ack, action, body, client }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>): Promise<void> => {
    await ack();
    const warning = decodeWarningRef(action.value ?? '');
    if (!warning) {
      deps.log.warn({ user: body.user.id }, 'acknowledge button without a readable reference');
      return;
    }
    try {
      await client.views.open({ trigger_id: body.trigger_id, view: acknowledgeModal({ warning, responseUrl: body.response_url }) });
    } catch (error) {
      deps.log.error({ user: body.user.id, ...errorFields(error) }, 'could not open the acknowledge modal');
    }
  };
}
