/**
 * The draft modal was submitted: show "checking…" in place at once (the ack), queue the check, and let the worker
 * update the same modal with the findings.
 */
import { randomUUID } from 'node:crypto';
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { lintJobId } from '../../../queue/lint-jobs.js';
import { errorFields } from '../../../queue/log.js';
import { draftModal } from '../../blocks.js';
import type { SlackDeps } from '../../deps.js';
import { BLOCK } from '../../ids.js';

export function draftSubmitted(deps: SlackDeps) {
  return async ({ ack, view, body }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>): Promise<void> => {
    const values = view.state.values;
    const draft = values[BLOCK.draft]?.[BLOCK.draft]?.value ?? '';
    const to = values[BLOCK.to]?.[BLOCK.to]?.selected_users ?? [];
    if (!draft.trim()) {
      await ack({ response_action: 'errors', errors: { [BLOCK.draft]: 'Paste a draft to check.' } });
      return;
    }
    try {
      await deps.lint.add(
        'slack-check',
        { source: 'modal', user: body.user.id, from: body.user.id, to, text: draft, reply: { via: 'view', viewId: view.id } },
        { id: lintJobId('slack-check', view.id, randomUUID()) },
      );
    } catch (error) {
      deps.log.error({ user: body.user.id, ...errorFields(error) }, 'could not queue draft check');
      await ack({ response_action: 'errors', errors: { [BLOCK.draft]: 'Probity could not check this just now. Please try again.' } });
      return;
    }
    await ack({ response_action: 'update', view: draftModal({ status: 'checking', draft, to }) });
  };
}
