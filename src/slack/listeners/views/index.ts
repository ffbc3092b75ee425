import type { App, ViewSubmitAction } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { CALLBACK } from '../../ids.js';
import { acknowledgeSubmitted } from './acknowledge-submitted.view.js';
import { draftSubmitted } from './draft-submitted.view.js';

export function register(app: App, deps: SlackDeps): void {
  app.view<ViewSubmitAction>({ callback_id: CALLBACK.draftModal, type: 'view_submission' }, draftSubmitted(deps));
  app.view<ViewSubmitAction>({ callback_id: CALLBACK.acknowledgeModal, type: 'view_submission' }, acknowledgeSubmitted(deps));
}
