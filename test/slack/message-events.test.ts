/**
 * Just after posting: a message from someone in the directory is checked by the lint worker and its author gets
 * an ephemeral warning with the clause; retries warn once; edits are checked again; strangers are ignored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockText, CAMPAIGN_REQUEST, COUNCILLOR, messageEvent, nextTs, startHarness, TEAM, type Harness } from './harness.js';
import type { StubCall } from './slack-stub.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const ephemeralFor = (channel: string, user: string) => (c: StubCall) =>
  c.method === 'chat.postEphemeral' && c.args.channel === channel && c.args.user === user;

/** Wait until a sentinel message in `channel` has been warned: everything queued before it has been handled. */
async function sentinel(channel: string): Promise<void> {
  const { eventId } = await h.postEvent(messageEvent({ channel, text: CAMPAIGN_REQUEST, user: 'U0HALE' }));
  await h.log.waitFor((r) => r.msg === 'slack message queued' && r.fields.eventId === eventId);
  await h.stub.waitFor(ephemeralFor(channel, 'U0HALE'));
}

describe('a message just posted', () => {
  it('warns its author privately with the finding, the clause, the suggestion and a link to the message', async () => {
    const event = messageEvent({ channel: 'C0POSTED', text: CAMPAIGN_REQUEST });
    const { response } = await h.postEvent(event);
    expect(response.status).toBe(200);

    const ephemeral = await h.stub.waitFor(ephemeralFor('C0POSTED', COUNCILLOR));
    const text = blockText(ephemeral.args.blocks);
    expect(text).toMatch(/political request/i);
    expect(text).toContain('Protocol for Councillor – Officer relations');
    expect(text).toContain('never be used in connection with party political or campaigning activities');
    expect(text).toContain('5.7');
    expect(text).toContain('*Better:*');
    expect(String(ephemeral.args.text)).not.toContain('leaflets');

    const permalink = h.stub.callsOf('chat.getPermalink', (c) => c.args.channel === 'C0POSTED')[0];
    expect(permalink?.args.message_ts).toBe(event.ts);
    const buttons = JSON.stringify(ephemeral.args.blocks);
    expect(buttons).toContain(`https://ashcombe.slack.com/archives/C0POSTED/p${String(event.ts).replace('.', '')}`);
    expect(buttons).toContain('probity_acknowledge');
    expect(buttons).toContain('probity_false_alarm');
  });

  it('posts the warning in the thread when the message is a thread reply', async () => {
    const parent = nextTs();
    await h.postEvent(messageEvent({ channel: 'C0THREAD', text: CAMPAIGN_REQUEST, thread_ts: parent }));
    const ephemeral = await h.stub.waitFor(ephemeralFor('C0THREAD', COUNCILLOR));
    expect(ephemeral.args.thread_ts).toBe(parent);
  });

  it('warns once when Slack retries the same event (same event_id, x-slack-retry-num)', async () => {
    const event = messageEvent({ channel: 'C0RETRY', text: CAMPAIGN_REQUEST });
    const { eventId } = await h.postEvent(event);
    const retry = await h.postEvent(event, { eventId, retryNum: 1 });
    expect(retry.response.status).toBe(200);
    const again = await h.postEvent(event, { eventId, retryNum: 2 });
    expect(again.response.status).toBe(200);

    await h.log.waitFor((r) => r.msg === 'slack event already handled' && r.fields.eventId === eventId && r.fields.retryNum === 2);
    await h.stub.waitFor(ephemeralFor('C0RETRY', COUNCILLOR));
    await sentinel('C0RETRY');
    expect(h.stub.callsOf('chat.postEphemeral', (c) => c.args.channel === 'C0RETRY' && c.args.user === COUNCILLOR)).toHaveLength(1);
  });

  it('ignores a message from someone not in the directory', async () => {
    const { eventId } = await h.postEvent(messageEvent({ channel: 'C0STRANGER', user: 'U0NOTKNOWN', text: CAMPAIGN_REQUEST }));
    const ignored = await h.log.waitFor((r) => r.msg === 'slack message ignored' && r.fields.eventId === eventId);
    expect(ignored.fields.reason).toBe('not-in-directory');
    await sentinel('C0STRANGER');
    expect(h.stub.callsOf('chat.postEphemeral', (c) => c.args.user === 'U0NOTKNOWN')).toHaveLength(0);
    expect(await h.redis.exists(`${h.keyPrefix}slack:event:${eventId}`)).toBe(0);
  });

  it('ignores bot messages and channel joins', async () => {
    const bot = await h.postEvent({ ...messageEvent({ channel: 'C0BOTS', text: CAMPAIGN_REQUEST }), subtype: 'bot_message', bot_id: 'B0OTHER' });
    const join = await h.postEvent({ ...messageEvent({ channel: 'C0BOTS', text: '<@U0OKAFOR> has joined the channel' }), subtype: 'channel_join' });
    for (const { eventId } of [bot, join]) {
      await h.log.waitFor((r) => r.msg === 'slack message ignored' && r.fields.eventId === eventId);
    }
  });

  it('checks an edited message again (message_changed), and thanks the author when the edit fixes it', async () => {
    const original = messageEvent({ channel: 'C0EDIT', text: CAMPAIGN_REQUEST });
    await h.postEvent(original);
    await h.stub.waitFor(ephemeralFor('C0EDIT', COUNCILLOR));

    const edited = (text: string, previous: string) => ({
      type: 'message',
      subtype: 'message_changed',
      hidden: true,
      channel: 'C0EDIT',
      channel_type: 'channel',
      ts: nextTs(),
      event_ts: nextTs(),
      message: { type: 'message', user: COUNCILLOR, text, ts: original.ts, edited: { user: COUNCILLOR, ts: nextTs() } },
      previous_message: { type: 'message', user: COUNCILLOR, text: previous, ts: original.ts },
    });
    const stillBad = `${CAMPAIGN_REQUEST} Thanks!`;
    await h.postEvent(edited(stillBad, CAMPAIGN_REQUEST));
    const second = await h.stub.waitFor((c) => ephemeralFor('C0EDIT', COUNCILLOR)(c) && blockText(c.args.blocks).includes('Your edited message'));
    expect(blockText(second.args.blocks)).toMatch(/political request/i);

    await h.postEvent(edited('<@U0PATEL> could you let me know when the planning report will be published?', stillBad));
    const thanks = await h.stub.waitFor((c) => ephemeralFor('C0EDIT', COUNCILLOR)(c) && String(c.args.text).includes('nothing to flag'));
    expect(blockText(thanks.args.blocks)).toContain('nothing to flag now');
  });

  it('skips a message_changed whose text did not change (a link unfurl)', async () => {
    const ts = nextTs();
    const { eventId } = await h.postEvent({
      type: 'message',
      subtype: 'message_changed',
      channel: 'C0UNFURL',
      ts: nextTs(),
      message: { type: 'message', user: COUNCILLOR, text: CAMPAIGN_REQUEST, ts, attachments: [{ id: 1 }] },
      previous_message: { type: 'message', user: COUNCILLOR, text: CAMPAIGN_REQUEST, ts },
    });
    const ignored = await h.log.waitFor((r) => r.msg === 'slack message ignored' && r.fields.eventId === eventId);
    expect(ignored.fields.reason).toBe('unchanged');
  });

  it('sends nothing for a harmless message', async () => {
    const { eventId } = await h.postEvent(messageEvent({ channel: 'C0FINE', text: 'Thanks all, see you at committee on Tuesday.' }));
    await h.log.waitFor((r) => r.msg === 'slack message queued' && r.fields.eventId === eventId);
    await sentinel('C0FINE');
    expect(h.stub.callsOf('chat.postEphemeral', (c) => c.args.channel === 'C0FINE' && c.args.user === COUNCILLOR)).toHaveLength(0);
  });
});

describe('who a channel message is to', () => {
  const NAMED = 'Amir, I want you to send me the planning figures tonight.';

  it('reads the channel members from conversations.members and warns when a member is addressed by name', async () => {
    h.stub.members.set('C0NAMED', [COUNCILLOR, 'U0PATEL', 'U0HUGHES']);
    await h.postEvent(messageEvent({ channel: 'C0NAMED', text: NAMED }));
    const ephemeral = await h.stub.waitFor(ephemeralFor('C0NAMED', COUNCILLOR));
    expect(blockText(ephemeral.args.blocks)).toMatch(/direct instruction/i);
    expect(blockText(ephemeral.args.blocks)).toContain('Amir Patel');
    expect(h.stub.callsOf('conversations.members', (c) => c.args.channel === 'C0NAMED')).toHaveLength(1);
    const sent = await h.log.waitFor((r) => r.msg === 'slack warning sent' && r.fields.channel === 'C0NAMED');
    expect(sent.fields.addressees).toBe(1);
  });

  it('caches the members, and a member_joined_channel event refreshes them', async () => {
    // Naming nobody, a message is to the channel's members in the directory: at first nobody but its author.
    const UNNAMED = 'I want you to send me the planning figures tonight.';
    h.stub.members.set('C0JOIN', [COUNCILLOR, 'U0STRANGER']);
    const first = await h.postEvent(messageEvent({ channel: 'C0JOIN', text: UNNAMED }));
    const done = await h.log.waitFor((r) => r.msg === 'lint job done' && r.fields.jobId === `slack-message-${first.eventId}`);
    expect(done.fields.delivered).toBe('none');
    expect(await h.redis.exists(`${h.keyPrefix}slack:members:C0JOIN`)).toBe(1);
    // Cached: a second message does not ask Slack again.
    const second = await h.postEvent(messageEvent({ channel: 'C0JOIN', text: UNNAMED }));
    await h.log.waitFor((r) => r.msg === 'lint job done' && r.fields.jobId === `slack-message-${second.eventId}`);
    expect(h.stub.callsOf('conversations.members', (c) => c.args.channel === 'C0JOIN')).toHaveLength(1);
    expect(h.stub.callsOf('chat.postEphemeral', (c) => c.args.channel === 'C0JOIN')).toHaveLength(0);

    h.stub.members.set('C0JOIN', [COUNCILLOR, 'U0STRANGER', 'U0PATEL']);
    const joined = await h.postEvent({
      type: 'member_joined_channel',
      user: 'U0PATEL',
      channel: 'C0JOIN',
      channel_type: 'C',
      team: TEAM,
      inviter: COUNCILLOR,
      event_ts: nextTs(),
    });
    expect(joined.response.status).toBe(200);
    await h.log.waitFor((r) => r.msg === 'slack channel member joined' && r.fields.channel === 'C0JOIN');
    expect(await h.redis.exists(`${h.keyPrefix}slack:members:C0JOIN`)).toBe(0);

    await h.postEvent(messageEvent({ channel: 'C0JOIN', text: UNNAMED }));
    const ephemeral = await h.stub.waitFor(ephemeralFor('C0JOIN', COUNCILLOR));
    expect(blockText(ephemeral.args.blocks)).toMatch(/direct instruction/i);
    expect(h.stub.callsOf('conversations.members', (c) => c.args.channel === 'C0JOIN')).toHaveLength(2);
  });

  it('a member_left_channel event refreshes them too', async () => {
    h.stub.members.set('C0LEAVE', [COUNCILLOR, 'U0HALE']);
    await sentinel('C0LEAVE');
    expect(await h.redis.exists(`${h.keyPrefix}slack:members:C0LEAVE`)).toBe(1);
    await h.postEvent({ type: 'member_left_channel', user: 'U0HALE', channel: 'C0LEAVE', channel_type: 'C', team: TEAM, event_ts: nextTs() });
    await h.log.waitFor((r) => r.msg === 'slack channel member left' && r.fields.channel === 'C0LEAVE');
    expect(await h.redis.exists(`${h.keyPrefix}slack:members:C0LEAVE`)).toBe(0);
  });

  it('still checks when Slack will not list the members, by the names used', async () => {
    h.stub.script('conversations.members', { body: { ok: false, error: 'channel_not_found' } });
    await h.postEvent(messageEvent({ channel: 'C0NOLIST', text: NAMED }));
    const ephemeral = await h.stub.waitFor(ephemeralFor('C0NOLIST', COUNCILLOR));
    expect(blockText(ephemeral.args.blocks)).toMatch(/direct instruction/i);
    await h.log.waitFor((r) => r.msg === 'channel members unavailable; checking by names and mentions' && r.fields.slackError === 'channel_not_found');
  });
});

describe('delivery problems', () => {
  it('falls back to the app DM when Slack says user_not_in_channel', async () => {
    h.stub.script('chat.postEphemeral', { body: { ok: false, error: 'user_not_in_channel' } });
    await h.postEvent(messageEvent({ channel: 'C0LEFT', text: CAMPAIGN_REQUEST, user: 'U0PRICE' }));
    const dm = await h.stub.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'U0PRICE');
    expect(blockText(dm.args.blocks)).toMatch(/political request/i);
    expect(blockText(dm.args.blocks)).toContain('<#C0LEFT>');
    await h.log.waitFor((r) => r.msg === 'slack warning sent' && r.fields.user === 'U0PRICE' && r.fields.delivered === 'dm');
  });

  it('on a 429 pauses the queue for Retry-After and delivers afterwards, once', async () => {
    h.stub.script('chat.postEphemeral', { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } });
    await h.postEvent(messageEvent({ channel: 'C0BUSY', text: CAMPAIGN_REQUEST, user: 'U0WEBB' }));
    await h.stub.waitFor(ephemeralFor('C0BUSY', 'U0WEBB'));
    expect(h.stub.callsOf('chat.postEphemeral!failed', (c) => c.args.channel === 'C0BUSY')).toHaveLength(1);
    await sentinel('C0BUSY');
    expect(h.stub.callsOf('chat.postEphemeral', (c) => c.args.channel === 'C0BUSY' && c.args.user === 'U0WEBB')).toHaveLength(1);
  });
});

describe('privacy', () => {
  it('keeps no message text in Redis once the job is done, and logs none', async () => {
    const marker = `zq-marker-${Date.now()}`;
    await h.postEvent(messageEvent({ channel: 'C0PRIVATE', text: `${CAMPAIGN_REQUEST} ${marker}` }));
    await h.stub.waitFor(ephemeralFor('C0PRIVATE', COUNCILLOR));
    await h.log.waitFor((r) => r.msg === 'slack warning sent' && r.fields.channel === 'C0PRIVATE');
    await sentinel('C0PRIVATE');
    const keys = await h.dumpKeys('*');
    for (const [key, value] of keys) {
      expect(key).not.toContain(marker);
      expect(value, key).not.toContain(marker);
    }
    expect(JSON.stringify(h.log.records)).not.toContain(marker);
    expect(JSON.stringify(h.log.records)).not.toContain('leaflets');
  });
});
