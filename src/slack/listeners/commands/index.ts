import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { COMMAND } from '../../ids.js';
import { probityCommand } from './probity.command.js';

export function register(app: App, deps: SlackDeps): void {
  app.command(COMMAND, probityCommand(deps));
}
