/** "Open message to edit or delete" is a link button: Slack opens the URL and still sends us the click to ack. */
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';

export function openMessageAction() {
  return async ({ ack }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>): Promise<void> => {
    await ack();
  };
}
