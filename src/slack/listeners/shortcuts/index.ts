import type { App, GlobalShortcut, MessageShortcut } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { CALLBACK } from '../../ids.js';
import { checkDraftShortcut } from './check-draft.shortcut.js';
import { checkMessageShortcut } from './check-message.shortcut.js';

export function register(app: App, deps: SlackDeps): void {
  app.shortcut<GlobalShortcut>({ callback_id: CALLBACK.checkDraftShortcut, type: 'shortcut' }, checkDraftShortcut(deps));
  app.shortcut<MessageShortcut>({ callback_id: CALLBACK.checkMessageShortcut, type: 'message_action' }, checkMessageShortcut(deps));
}
