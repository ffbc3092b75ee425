import type { App, BlockButtonAction } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { ACTION } from '../../ids.js';
import { acknowledgeAction } from './acknowledge.action.js';
import { briefingAnswerAction } from './briefing-answer.action.js';
import { dismissAction } from './dismiss.action.js';
import { falseAlarmAction } from './false-alarm.action.js';
import { openMessageAction } from './open-message.action.js';

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockButtonAction>(ACTION.acknowledge, acknowledgeAction(deps));
  app.action<BlockButtonAction>(ACTION.falseAlarm, falseAlarmAction(deps));
  app.action<BlockButtonAction>(ACTION.dismiss, dismissAction(deps));
  app.action<BlockButtonAction>(ACTION.openMessage, openMessageAction());
  app.action<BlockButtonAction>(ACTION.briefingAccept, briefingAnswerAction(deps, 'accept'));
  app.action<BlockButtonAction>(ACTION.briefingDecline, briefingAnswerAction(deps, 'decline'));
  // A link button: Slack opens the answer page and still sends the click, which only needs acknowledging.
  app.action<BlockButtonAction>(ACTION.briefingOpen, openMessageAction());
}
