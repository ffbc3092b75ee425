/** manifest.yml stays in step with the code: ids, scopes, events and one request URL for everything. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SLACK_ENDPOINT } from '../../src/slack/app.js';
import { CALLBACK, COMMAND } from '../../src/slack/ids.js';

interface Manifest {
  display_information: { name: string; description: string; long_description: string };
  features: {
    slash_commands: { command: string; url: string; should_escape: boolean }[];
    shortcuts: { name: string; type: string; callback_id: string; description: string }[];
    app_home: { messages_tab_enabled: boolean };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
  };
}

const manifest = parse(readFileSync('manifest.yml', 'utf8')) as Manifest;

describe('manifest.yml', () => {
  it('declares /probity and both shortcuts with the callback ids the listeners use', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([COMMAND]);
    expect(manifest.features.slash_commands[0]!.should_escape).toBe(true);
    expect(manifest.features.shortcuts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'global', callback_id: CALLBACK.checkDraftShortcut }),
        expect.objectContaining({ type: 'message', callback_id: CALLBACK.checkMessageShortcut, name: 'Check against protocol' }),
      ]),
    );
    for (const s of manifest.features.shortcuts) {
      expect(s.name.length).toBeLessThanOrEqual(50);
      expect(s.description.length).toBeLessThanOrEqual(150);
    }
  });

  it('asks for the bot scopes and events Probity needs (messages; members joining and leaving, for who is addressed)', () => {
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(
      [
        'channels:history',
        'channels:read',
        'chat:write',
        'commands',
        'groups:history',
        'groups:read',
        'im:history',
        'mpim:history',
        'mpim:read',
        'users:read',
      ].sort(),
    );
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual(
      ['member_joined_channel', 'member_left_channel', 'message.channels', 'message.groups', 'message.im', 'message.mpim'].sort(),
    );
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
  });

  it('sends events, the command and interactivity to the one Bolt endpoint, over HTTPS, not Socket Mode', () => {
    const urls = [
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
      ...manifest.features.slash_commands.map((c) => c.url),
    ];
    for (const url of urls) {
      expect(url.startsWith('https://')).toBe(true);
      expect(new URL(url).pathname).toBe(SLACK_ENDPOINT);
    }
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.display_information.long_description.length).toBeGreaterThanOrEqual(175);
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
  });
});
