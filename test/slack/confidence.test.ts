/**
 * Each Slack entry point applies its confidence threshold (council.yaml `confidence`): the warning after posting at
 * `post-send`, /probity, the draft modal and the message shortcut at `pre-send`. Findings come from a scripted
 * linter with explicit confidences, through the real Bolt receiver, queue and worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLBACK } from '../../src/slack/ids.js';
import { scriptedLinter } from '../helpers/scripted-linter.js';
import { blockText, COUNCILLOR, messageEvent, nextTs, startHarness, type Harness } from './harness.js';
import type { StubCall } from './slack-stub.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ linter: scriptedLinter() });
});
afterAll(async () => {
  await h?.close();
});

const ephemeralIn = (channel: string) => (c: StubCall) => c.method === 'chat.postEphemeral' && c.args.channel === channel;
let n = 0;
const trigger = () => `${Date.now()}.${++n}.cafe${n}`;

describe('after posting: the post-send threshold (0.8)', () => {
  it('says nothing about a finding below it', async () => {
    const { eventId } = await h.postEvent(messageEvent({ channel: 'C0LOW', text: 'Send me the figures [conf 0.79]' }));
    const done = await h.log.waitFor((r) => r.msg === 'lint job done' && r.fields.jobId === `slack-message-${eventId}`);
    expect(done.fields).toMatchObject({ findings: 0, delivered: 'none' });
    expect(h.stub.callsOf('chat.postEphemeral', (c) => c.args.channel === 'C0LOW')).toHaveLength(0);
  });

  it('warns at the threshold, saying how sure Probity is, and shows only the findings that reach it', async () => {
    await h.postEvent(messageEvent({ channel: 'C0AT', text: 'Send me the figures [conf 0.8] and more [conf 0.6]' }));
    const warned = await h.stub.waitFor(ephemeralIn('C0AT'));
    const text = blockText(warned.args.blocks);
    expect(text).toContain('Probity is fairly sure (80%)');
    expect(text).not.toContain('60%');
  });
});

describe('before sending: the pre-send threshold (0.5)', () => {
  it('/probity shows a finding at 0.5 and leaves out one at 0.49', async () => {
    await h.postCommand({
      user_id: COUNCILLOR,
      text: 'Send me the figures [conf 0.5] [conf 0.49]',
      response_url: h.stub.responseUrl('conf-cmd'),
      trigger_id: trigger(),
    });
    const answer = await h.stub.waitFor((c) => c.method === 'response' && c.responseId === 'conf-cmd');
    const text = blockText(answer.args.blocks);
    expect(text).toContain('1 thing to look at');
    expect(text).toContain('Probity thinks it likely (50%)');
    expect(text).not.toContain('49%');
  });

  it('/probity with only an unsure finding says there is nothing to flag', async () => {
    await h.postCommand({
      user_id: COUNCILLOR,
      text: 'Send me the figures [conf 0.3]',
      response_url: h.stub.responseUrl('conf-cmd-low'),
      trigger_id: trigger(),
    });
    const answer = await h.stub.waitFor((c) => c.method === 'response' && c.responseId === 'conf-cmd-low');
    expect(blockText(answer.args.blocks)).toContain('nothing to flag');
  });

  it('the message shortcut shows a finding Probity would not have warned about unprompted', async () => {
    const ts = nextTs();
    await h.postInteraction({
      type: 'message_action',
      callback_id: CALLBACK.checkMessageShortcut,
      trigger_id: trigger(),
      message_ts: ts,
      response_url: h.stub.responseUrl('conf-shortcut'),
      message: { type: 'message', user: COUNCILLOR, ts, text: 'Send me the figures [conf 0.7] [conf 0.2]' },
      user: { id: 'U0BELL', name: 'sarah.bell' },
      channel: { id: 'C0PLANNING', name: 'planning' },
    });
    const answer = await h.stub.waitFor((c) => c.method === 'response' && c.responseId === 'conf-shortcut');
    const text = blockText(answer.args.blocks);
    expect(text).toContain('Probity is fairly sure (70%)');
    expect(text).not.toContain('20%');
  });
});
