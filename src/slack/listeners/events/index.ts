import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { memberJoinedListener } from './member-joined.listener.js';
import { memberLeftListener } from './member-left.listener.js';
import { messageListener } from './message.listener.js';

export function register(app: App, deps: SlackDeps): void {
  app.event('message', messageListener(deps));
  app.event('member_joined_channel', memberJoinedListener(deps));
  app.event('member_left_channel', memberLeftListener(deps));
}
