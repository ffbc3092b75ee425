/**
 * Message shortcut "Check against protocol": queue a private check of a posted message, as its author wrote it;
 * the answer goes only to the person who asked.
 */
import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { lintJobId } from '../../../queue/lint-jobs.js';
import { errorFields } from '../../../queue/log.js';
import { unavailableMessage } from '../../blocks.js';
import type { SlackDeps } from '../../deps.js';
import { fromSlackMarkup } from '../../message-text.js';

export function checkMessageShortcut(deps: SlackDeps) {
  return async ({ shortcut, ack, respond }: AllMiddlewareArgs & SlackShortcutMiddlewareArgs<MessageShortcut>): Promise<void> => {
    await ack();
    const author = shortcut.message.user;
    const markup = shortcut.message.text;
    if (!author || !markup?.trim() || shortcut.message.bot_id) {
      await respond({ response_type: 'ephemeral', text: 'Probity checks what people write; this message has no text from a person.' });
      return;
    }
    const { text, mentions } = fromSlackMarkup(markup, deps.council);
    try {
      await deps.lint.add(
        'slack-check',
        {
          source: 'message-shortcut',
          user: shortcut.user.id,
          from: author,
          to: mentions.filter((id) => id !== author),
          text,
          reply: { via: 'response_url', url: shortcut.response_url },
          channel: shortcut.channel.id,
          ts: shortcut.message_ts,
        },
        { id: lintJobId('slack-check', shortcut.trigger_id) },
      );
    } catch (error) {
      deps.log.error({ user: shortcut.user.id, channel: shortcut.channel.id, ...errorFields(error) }, 'could not queue message check');
      await respond({ response_type: 'ephemeral', ...unavailableMessage() });
    }
  };
}
