/** `/probity <draft>`: queue a private check of the draft; the worker answers through the response_url. */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { lintJobId } from '../../../queue/lint-jobs.js';
import { errorFields } from '../../../queue/log.js';
import { unavailableMessage, usageMessage } from '../../blocks.js';
import type { SlackDeps } from '../../deps.js';
import { fromSlackMarkup } from '../../message-text.js';

export function probityCommand(deps: SlackDeps) {
  return async ({ command, ack }: AllMiddlewareArgs & SlackCommandMiddlewareArgs): Promise<void> => {
    const draft = command.text.trim();
    if (!draft || /^help$/i.test(draft)) {
      await ack({ response_type: 'ephemeral', ...usageMessage() });
      return;
    }
    const { text, mentions } = fromSlackMarkup(draft, deps.council);
    try {
      await deps.lint.add(
        'slack-check',
        {
          source: 'command',
          user: command.user_id,
          from: command.user_id,
          to: mentions.filter((id) => id !== command.user_id),
          text,
          reply: { via: 'response_url', url: command.response_url },
          channel: command.channel_id,
        },
        { id: lintJobId('slack-check', command.trigger_id) },
      );
    } catch (error) {
      deps.log.error({ user: command.user_id, ...errorFields(error) }, 'could not queue /probity check');
      await ack({ response_type: 'ephemeral', ...unavailableMessage() });
      return;
    }
    // An empty ack shows nothing: the answer arrives privately through the response_url.
    await ack();
  };
}
