/** The acknowledge modal was submitted: record the reason (not the message) and replace the warning. */
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { errorFields } from '../../../queue/log.js';
import { decodeAcknowledgeMeta, recordedMessage } from '../../blocks.js';
import type { SlackDeps } from '../../deps.js';
import { BLOCK } from '../../ids.js';
import { postResponse } from '../../web-client.js';

export function acknowledgeSubmitted(deps: SlackDeps) {
  return async ({ ack, view, body }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>): Promise<void> => {
    const meta = decodeAcknowledgeMeta(view.private_metadata);
    const reason = view.state.values[BLOCK.reason]?.[BLOCK.reason]?.value?.trim() ?? '';
    if (!meta) {
      deps.log.warn({ user: body.user.id }, 'acknowledge modal without a readable reference');
      await ack();
      return;
    }
    if (!reason) {
      await ack({ response_action: 'errors', errors: { [BLOCK.reason]: 'Please give a short reason.' } });
      return;
    }
    try {
      await deps.feedback.record({
        kind: 'acknowledged',
        findings: meta.warning.findings,
        user: body.user.id,
        channel: meta.warning.channel,
        ts: meta.warning.ts,
        ...(body.team?.id ? { teamId: body.team.id } : {}),
        reason,
      });
    } catch (error) {
      deps.log.error({ user: body.user.id, ...errorFields(error) }, 'could not record acknowledgement');
      await ack({ response_action: 'errors', errors: { [BLOCK.reason]: 'Probity could not record this just now. Please try again.' } });
      return;
    }
    await ack();
    deps.log.info(
      { user: body.user.id, channel: meta.warning.channel, ts: meta.warning.ts, rules: meta.warning.findings.map((f) => f.rule) },
      'warning acknowledged',
    );
    if (!meta.responseUrl) return;
    try {
      await postResponse(
        meta.responseUrl,
        { replace_original: true, ...recordedMessage('acknowledged', meta.warning) },
        {
          allowedPrefix: deps.responseUrlPrefix,
        },
      );
    } catch (error) {
      deps.log.warn({ user: body.user.id, ...errorFields(error) }, 'could not replace the acknowledged warning');
    }
  };
}
