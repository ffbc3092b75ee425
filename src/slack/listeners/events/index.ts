import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { messageListener } from './message.listener.js';

export function register(app: App, deps: SlackDeps): void {
  app.event('message', messageListener(deps));
}
