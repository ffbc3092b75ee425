/** Before posting and on demand: /probity, the "Check a draft" modal, and "Check against protocol". */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { BOT_USER, blockText, CAMPAIGN_REQUEST, COUNCILLOR, nextTs, startHarness, TEAM, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

let n = 0;
const trigger = () => `${Date.now()}.${++n}.deadbeef${n}`;

describe('/probity <draft>', () => {
  it('acks at once with nothing public, then answers privately through the response_url with the findings', async () => {
    const response = await h.postCommand({
      user_id: COUNCILLOR,
      user_name: 'daniel.okafor',
      text: CAMPAIGN_REQUEST,
      response_url: h.stub.responseUrl('cmd-1'),
      trigger_id: trigger(),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');

    const answer = await h.stub.waitFor((c) => c.method === 'response' && c.responseId === 'cmd-1');
    expect(answer.args.response_type).toBe('ephemeral');
    const text = blockText(answer.args.blocks);
    expect(text).toMatch(/political request/i);
    expect(text).toContain('5.7');
    expect(text).toContain('your draft');
  });

  it('says so when a draft has nothing to flag', async () => {
    await h.postCommand({
      user_id: COUNCILLOR,
      text: 'Could you let me know when the planning committee report will be published?',
      response_url: h.stub.responseUrl('cmd-clean'),
      trigger_id: trigger(),
    });
    const answer = await h.stub.waitFor((c) => c.method === 'response' && c.responseId === 'cmd-clean');
    expect(blockText(answer.args.blocks)).toContain('nothing to flag');
  });

  it('answers an empty /probity with usage, in the ack', async () => {
    const response = await h.postCommand({ user_id: COUNCILLOR, text: '', response_url: h.stub.responseUrl('cmd-empty'), trigger_id: trigger() });
    const body = (await response.json()) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('/probity');
  });
});

describe('global shortcut "Check a draft"', () => {
  it('opens the draft modal with the trigger_id, and a submitted draft comes back in the same modal with findings', async () => {
    const triggerId = trigger();
    const response = await h.postInteraction({
      type: 'shortcut',
      callback_id: CALLBACK.checkDraftShortcut,
      trigger_id: triggerId,
      user: { id: COUNCILLOR, username: 'daniel.okafor', team_id: TEAM },
      action_ts: nextTs(),
    });
    expect(response.status).toBe(200);
    const open = await h.stub.waitFor((c) => c.method === 'views.open' && c.args.trigger_id === triggerId);
    const view = open.args.view as { callback_id: string; blocks: { block_id?: string }[] };
    expect(view.callback_id).toBe(CALLBACK.draftModal);
    expect(view.blocks.map((b) => b.block_id)).toContain(BLOCK.draft);

    const viewId = 'V0DRAFT1';
    const submit = await h.postInteraction({
      type: 'view_submission',
      user: { id: COUNCILLOR, username: 'daniel.okafor', name: 'daniel.okafor', team_id: TEAM },
      trigger_id: trigger(),
      view: {
        id: viewId,
        team_id: TEAM,
        type: 'modal',
        callback_id: CALLBACK.draftModal,
        private_metadata: '',
        hash: '1.abc',
        blocks: view.blocks,
        state: {
          values: {
            [BLOCK.draft]: { [BLOCK.draft]: { type: 'plain_text_input', value: 'I want you to print 500 leaflets for our Labour campaign by Friday.' } },
            [BLOCK.to]: { [BLOCK.to]: { type: 'multi_users_select', selected_users: ['U0PATEL'] } },
          },
        },
      },
      response_urls: [],
    });
    expect(submit.status).toBe(200);
    const ack = (await submit.json()) as { response_action: string; view: { blocks: unknown } };
    expect(ack.response_action).toBe('update');
    expect(blockText(ack.view.blocks)).toContain('Checking');

    const update = await h.stub.waitFor((c) => c.method === 'views.update' && c.args.view_id === viewId);
    const text = blockText((update.args.view as { blocks: unknown }).blocks);
    expect(text).toMatch(/political request/i);
    expect(text).toContain('5.7');
    expect(JSON.stringify(update.args.view)).toContain('"initial_users":["U0PATEL"]');
  });

  it('refuses an empty draft in the modal itself', async () => {
    const submit = await h.postInteraction({
      type: 'view_submission',
      user: { id: COUNCILLOR, team_id: TEAM },
      trigger_id: trigger(),
      view: {
        id: 'V0EMPTY',
        type: 'modal',
        callback_id: CALLBACK.draftModal,
        private_metadata: '',
        state: { values: { [BLOCK.draft]: { [BLOCK.draft]: { type: 'plain_text_input', value: '   ' } } } },
      },
    });
    const ack = (await submit.json()) as { response_action: string; errors: Record<string, string> };
    expect(ack.response_action).toBe('errors');
    expect(ack.errors[BLOCK.draft]).toBeTruthy();
  });
});

describe('message shortcut "Check against protocol"', () => {
  it('checks a posted message as its author wrote it and answers only the person who asked', async () => {
    const ts = nextTs();
    const response = await h.postInteraction({
      type: 'message_action',
      callback_id: CALLBACK.checkMessageShortcut,
      trigger_id: trigger(),
      message_ts: ts,
      response_url: h.stub.responseUrl('shortcut-1'),
      message: { type: 'message', user: COUNCILLOR, ts, text: CAMPAIGN_REQUEST },
      user: { id: 'U0BELL', name: 'sarah.bell' },
      channel: { id: 'C0PLANNING', name: 'planning' },
      action_ts: nextTs(),
    });
    expect(response.status).toBe(200);
    const answer = await h.stub.waitFor((c) => c.method === 'response' && c.responseId === 'shortcut-1');
    expect(answer.args.response_type).toBe('ephemeral');
    const text = blockText(answer.args.blocks);
    expect(text).toContain("Cllr Daniel Okafor's message");
    expect(text).toMatch(/political request/i);
  });

  it('declines a bot message politely', async () => {
    const ts = nextTs();
    await h.postInteraction({
      type: 'message_action',
      callback_id: CALLBACK.checkMessageShortcut,
      trigger_id: trigger(),
      message_ts: ts,
      response_url: h.stub.responseUrl('shortcut-bot'),
      message: { type: 'message', bot_id: 'B0X', user: BOT_USER, ts, text: 'beep' },
      user: { id: 'U0BELL', name: 'sarah.bell' },
      channel: { id: 'C0PLANNING', name: 'planning' },
    });
    const answer = await h.stub.waitFor((c) => c.method === 'response' && c.responseId === 'shortcut-bot');
    expect(String(answer.args.text)).toContain('no text from a person');
  });
});
