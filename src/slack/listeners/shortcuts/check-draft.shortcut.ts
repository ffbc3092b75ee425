/** Global shortcut "Check a draft": open the draft modal (trigger_id is valid for 3 s, so straight away). */
import type { AllMiddlewareArgs, GlobalShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { errorFields } from '../../../queue/log.js';
import { draftModal } from '../../blocks.js';
import type { SlackDeps } from '../../deps.js';

export function checkDraftShortcut(deps: SlackDeps) {
  return async ({ shortcut, ack, client }: AllMiddlewareArgs & SlackShortcutMiddlewareArgs<GlobalShortcut>): Promise<void> => {
    await ack();
    try {
      await client.views.open({ trigger_id: shortcut.trigger_id, view: draftModal() });
    } catch (error) {
      deps.log.error({ user: shortcut.user.id, ...errorFields(error) }, 'could not open the draft modal');
    }
  };
}
