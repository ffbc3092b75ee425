/** "False alarm" on a warning: record it (not the message) and replace the warning with a thank-you. */
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { errorFields } from '../../../queue/log.js';
import { decodeWarningRef, recordedMessage, unavailableMessage } from '../../blocks.js';
import type { SlackDeps } from '../../deps.js';

export function falseAlarmAction(deps: SlackDeps) {
  return async ({ ack, action, body, respond }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>): Promise<void> => {
    await ack();
    const warning = decodeWarningRef(action.value ?? '');
    if (!warning) {
      deps.log.warn({ user: body.user.id }, 'false-alarm button without a readable reference');
      return;
    }
    try {
      await deps.feedback.record({
        kind: 'false-alarm',
        findings: warning.findings,
        user: body.user.id,
        channel: warning.channel,
        ts: warning.ts,
        ...(body.team?.id ? { teamId: body.team.id } : {}),
      });
    } catch (error) {
      deps.log.error({ user: body.user.id, ...errorFields(error) }, 'could not record false alarm');
      await respond({ response_type: 'ephemeral', replace_original: false, ...unavailableMessage() });
      return;
    }
    deps.log.info({ user: body.user.id, channel: warning.channel, ts: warning.ts, rules: warning.findings.map((f) => f.rule) }, 'false alarm recorded');
    await respond({ replace_original: true, ...recordedMessage('false-alarm', warning) });
  };
}
