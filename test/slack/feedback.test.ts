/**
 * The warning's buttons: "Acknowledge…" (a reason, in a modal) and "False alarm" are recorded with the rule,
 * clause, user, channel and ts, and without the message text; "Dismiss" deletes the warning.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { blockText, CAMPAIGN_REQUEST, COUNCILLOR, messageEvent, startHarness, TEAM, type Harness } from './harness.js';
import type { StubCall } from './slack-stub.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

interface Button {
  type: string;
  action_id: string;
  value?: string;
}

/** Post a flagged message with a unique marker and return the warning's buttons. */
async function warned(channel: string, marker: string): Promise<{ ts: string; buttons: Button[] }> {
  const event = messageEvent({ channel, text: `${CAMPAIGN_REQUEST} ${marker}` });
  await h.postEvent(event);
  const ephemeral = await h.stub.waitFor((c: StubCall) => c.method === 'chat.postEphemeral' && c.args.channel === channel);
  const blocks = ephemeral.args.blocks as { type: string; elements?: Button[] }[];
  const actions = blocks.find((b) => b.type === 'actions');
  return { ts: String(event.ts), buttons: actions?.elements ?? [] };
}

function clickPayload(button: Button, responseId: string, trigger: string) {
  return {
    type: 'block_actions',
    user: { id: COUNCILLOR, username: 'daniel.okafor', name: 'daniel.okafor', team_id: TEAM },
    trigger_id: trigger,
    container: { type: 'message', is_ephemeral: true },
    channel: { id: 'C0ACK', name: 'planning' },
    response_url: h.stub.responseUrl(responseId),
    actions: [{ type: 'button', action_id: button.action_id, block_id: 'probity_warning_actions', value: button.value, action_ts: `${Date.now() / 1000}` }],
  };
}

function click(button: Button, responseId: string, trigger: string) {
  return h.postInteraction(clickPayload(button, responseId, trigger));
}

async function assertNowhereInRedis(marker: string): Promise<void> {
  const everything = await h.dumpKeys('*');
  for (const [key, value] of everything) {
    expect(key).not.toContain(marker);
    expect(value, key).not.toContain(marker);
  }
}

describe('feedback on a warning', () => {
  it('Acknowledge… opens a reason modal; submitting records rule, clause, user, channel, ts and reason, not the text', async () => {
    const marker = `ack-marker-${Date.now()}`;
    const { ts, buttons } = await warned('C0ACK', marker);
    const acknowledge = buttons.find((b) => b.action_id === ACTION.acknowledge)!;
    expect(acknowledge.value).not.toContain(marker);

    expect((await click(acknowledge, 'ack-1', 'trig-ack-1')).status).toBe(200);
    const open = await h.stub.waitFor((c) => c.method === 'views.open' && c.args.trigger_id === 'trig-ack-1');
    const modal = open.args.view as { callback_id: string; private_metadata: string };
    expect(modal.callback_id).toBe(CALLBACK.acknowledgeModal);
    expect(modal.private_metadata).not.toContain(marker);

    const submit = await h.postInteraction({
      type: 'view_submission',
      user: { id: COUNCILLOR, team_id: TEAM },
      trigger_id: 'trig-ack-2',
      view: {
        id: 'V0ACK',
        type: 'modal',
        callback_id: CALLBACK.acknowledgeModal,
        private_metadata: modal.private_metadata,
        state: { values: { [BLOCK.reason]: { [BLOCK.reason]: { type: 'plain_text_input', value: 'Agreed with the Director of Place beforehand' } } } },
      },
    });
    expect(submit.status).toBe(200);
    expect(await submit.text()).toBe('');

    const replaced = await h.stub.waitFor((c) => c.method === 'response' && c.responseId === 'ack-1');
    expect(replaced.args.replace_original).toBe(true);
    expect(blockText(replaced.args.blocks)).toContain('acknowledged');

    const [record] = (await h.feedback.list()).filter((r) => r.ts === ts);
    expect(record).toMatchObject({
      kind: 'acknowledged',
      user: COUNCILLOR,
      channel: 'C0ACK',
      ts,
      reason: 'Agreed with the Director of Place beforehand',
      teamId: TEAM,
    });
    expect(record!.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: 'political-request', ref: '5.7', protocol: expect.any(String) })]),
    );
    expect(JSON.stringify(record)).not.toContain('leaflets');
    await assertNowhereInRedis(marker);
  });

  it('an acknowledgement needs a reason', async () => {
    const { buttons } = await warned('C0NOREASON', `noreason-${Date.now()}`);
    await click(
      buttons.find((b) => b.action_id === ACTION.acknowledge)!,
      'ack-none',
      'trig-none',
    );
    const open = await h.stub.waitFor((c) => c.method === 'views.open' && c.args.trigger_id === 'trig-none');
    const submit = await h.postInteraction({
      type: 'view_submission',
      user: { id: COUNCILLOR, team_id: TEAM },
      view: {
        id: 'V0NONE',
        type: 'modal',
        callback_id: CALLBACK.acknowledgeModal,
        private_metadata: (open.args.view as { private_metadata: string }).private_metadata,
        state: { values: { [BLOCK.reason]: { [BLOCK.reason]: { type: 'plain_text_input', value: ' ' } } } },
      },
    });
    expect(((await submit.json()) as { response_action: string }).response_action).toBe('errors');
  });

  it('False alarm records at once, without the text, and replaces the warning', async () => {
    const marker = `fa-marker-${Date.now()}`;
    const { ts, buttons } = await warned('C0FALSE', marker);
    expect(
      (
        await click(
          buttons.find((b) => b.action_id === ACTION.falseAlarm)!,
          'fa-1',
          'trig-fa',
        )
      ).status,
    ).toBe(200);
    const replaced = await h.stub.waitFor((c) => c.method === 'response' && c.responseId === 'fa-1');
    expect(replaced.args.replace_original).toBe(true);
    expect(blockText(replaced.args.blocks)).toContain('false alarm');

    const [record] = (await h.feedback.list()).filter((r) => r.ts === ts);
    expect(record).toMatchObject({ kind: 'false-alarm', user: COUNCILLOR, channel: 'C0FALSE', ts });
    expect(record!.findings.map((f) => f.rule)).toContain('political-request');
    expect(record!.reason).toBeUndefined();
    await assertNowhereInRedis(marker);
  });

  it('a signed False alarm replayed three times makes one record (the copies are answered 200 and dropped)', async () => {
    const { ts, buttons } = await warned('C0REPLAY', `replay-marker-${Date.now()}`);
    const payload = clickPayload(
      buttons.find((b) => b.action_id === ACTION.falseAlarm)!,
      'fa-replay',
      'trig-replay',
    );
    const timestamp = Math.floor(Date.now() / 1000);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await h.postInteraction(payload, { timestamp })).status);
    expect(statuses).toEqual([200, 200, 200]);
    await h.stub.waitFor((c) => c.method === 'response' && c.responseId === 'fa-replay');
    await new Promise((r) => setTimeout(r, 500));
    expect((await h.feedback.list()).filter((r) => r.ts === ts)).toHaveLength(1);
    expect(h.stub.callsOf('response').filter((c) => c.responseId === 'fa-replay')).toHaveLength(1);
  });

  it('the feedback stream carries a retention expiry', async () => {
    const ttl = await h.redis.pttl(`${h.keyPrefix}slack:feedback`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(h.linter.council.retention.events);
  });

  it('Dismiss deletes the warning', async () => {
    const { buttons } = await warned('C0DISMISS', `dismiss-${Date.now()}`);
    await click(
      buttons.find((b) => b.action_id === ACTION.dismiss)!,
      'dismiss-1',
      'trig-dismiss',
    );
    const deleted = await h.stub.waitFor((c) => c.method === 'response' && c.responseId === 'dismiss-1');
    expect(deleted.args.delete_original).toBe(true);
  });
});
