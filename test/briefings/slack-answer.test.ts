/**
 * The offer's Slack DM carries the same answer as the email's link, as Block Kit buttons, handled by the real Bolt
 * app (HTTP receiver on loopback, signed requests). The worker sends the DM through its WebClient to the briefing
 * Slack stub; the click comes back to Bolt as Slack would send it; Bolt checks it and posts the answer to the real
 * API's answer route (as workers/slack.ts does), and Bolt's `respond` goes to the Slack API stub of the Slack tests
 * (response_url on loopback).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { ApiLinkAnswers } from '../../src/http/link-answers.js';
import type { LintProducer } from '../../src/queue/lint-queue.js';
import { createSlackApp, SLACK_ENDPOINT, type SlackApp } from '../../src/slack/app.js';
import type { ChannelMemberCache } from '../../src/slack/channel-members.js';
import type { EventDeduper } from '../../src/slack/dedupe.js';
import type { FeedbackStore } from '../../src/slack/feedback-store.js';
import { ACTION } from '../../src/slack/ids.js';
import { RecordingLog, sign, TEAM } from '../slack/harness.js';
import { SlackStub as BoltSlackStub } from '../slack/slack-stub.js';
import { actors, LABOUR_REQUEST } from './fixtures.js';
import { SlackStub, SmtpSink } from './sinks.js';
import { settled, until, world, type World } from './world.js';

let smtp: SmtpSink;
let slack: SlackStub;
let bolt: BoltSlackStub;
let app: SlackApp;
let url: string;
let w: World;
let api: FastifyInstance;
const log = new RecordingLog();

beforeAll(async () => {
  smtp = await SmtpSink.start();
  slack = await SlackStub.start();
  bolt = await new BoltSlackStub().start();
  w = await world({ smtp, slack, label: 'slack-answer' });
  // The API, which writes the ledger; the Slack app answers through its answer route.
  api = await buildApp({ service: w.svc, auth: { secret: 'slack-answer-api-secret-0123456789abcdef' }, answers: w.answers, docs: false });
  const apiUrl = await api.listen({ port: 0, host: '127.0.0.1' });
  const unused = <T>() => ({}) as T; // the lint side of the app is not exercised here
  app = createSlackApp({
    signingSecret: 'briefing-slack-signing-secret-0123456789',
    token: 'xoxb-test-token',
    tokenVerificationEnabled: false,
    botId: 'B0PROBITY',
    botUserId: 'U0PROBITY',
    slackApiUrl: bolt.apiUrl,
    deps: {
      council: w.svc.council,
      lint: unused<Pick<LintProducer, 'add'>>(),
      dedupe: unused<EventDeduper>(),
      feedback: unused<FeedbackStore>(),
      members: unused<Pick<ChannelMemberCache, 'invalidate'>>(),
      log,
      responseUrlPrefix: bolt.baseUrl,
      briefings: new ApiLinkAnswers(w.links.keys, apiUrl),
    },
  });
  url = `http://127.0.0.1:${await app.start(0, '127.0.0.1')}${SLACK_ENDPOINT}`;
});
afterAll(async () => {
  await app?.stop();
  await api?.close();
  await w?.close();
  await bolt?.close();
  await slack?.stop();
  await smtp?.stop();
});

interface Button {
  action_id: string;
  value: string;
  url?: string;
}

/** The buttons of the DM the worker sent to this Slack user about this notice. */
function buttonsOf(user: string, noticeText: string): Button[] {
  const post = slack.posts().find((p) => p.params.channel === `D${user}` && p.params.text!.includes(noticeText));
  expect(post, `DM to ${user}`).toBeDefined();
  const blocks = JSON.parse(post!.params.blocks!) as { type: string; elements?: Button[] }[];
  return blocks.find((b) => b.type === 'actions')!.elements!;
}

let clicks = 0;
async function click(user: string, button: Button): Promise<string> {
  const responseId = `answer-${++clicks}`;
  const body = new URLSearchParams({
    payload: JSON.stringify({
      type: 'block_actions',
      token: 'legacy-verification-token',
      api_app_id: 'A0PROBITY',
      team: { id: TEAM, domain: 'ashcombe' },
      user: { id: user, team_id: TEAM },
      trigger_id: `trigger-${clicks}`,
      container: { type: 'message', is_ephemeral: false },
      channel: { id: `D${user}`, name: 'directmessage' },
      response_url: bolt.responseUrl(responseId),
      actions: [{ type: 'button', action_id: button.action_id, block_id: 'probity_briefing_answer', value: button.value, action_ts: `${Date.now() / 1000}` }],
    }),
  }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': sign(body, timestamp, 'briefing-slack-signing-secret-0123456789'),
    },
    body,
  });
  expect(res.status).toBe(200);
  return responseId;
}

const responseTo = (id: string) => bolt.waitFor((c) => c.method === 'response' && c.responseId === id);

describe('answering a briefing offer from its Slack DM', () => {
  it('has Accept, Decline and a link to the page; Bolt records the answer from the person it was sent to, once', async () => {
    const req = await w.svc.request(actors.labourLeader, LABOUR_REQUEST);
    const { round } = await w.svc.decide(actors.authoriser, req.id, { decision: 'approve' });
    const view = await w.svc.roundView(round!.id);
    await settled(
      w,
      view.offers.flatMap((o) => o.noticeIds),
    );
    const tory = view.offers.find((o) => o.party.id === 'conservative')!;

    const buttons = buttonsOf('U0WEBB', LABOUR_REQUEST.matter);
    expect(buttons.map((b) => b.action_id)).toEqual([ACTION.briefingAccept, ACTION.briefingDecline, ACTION.briefingOpen]);
    const accept = buttons[0]!;
    expect(buttons[2]!.url).toBe(`https://probity.ashcombe.gov.uk/answer/${accept.value}`);
    // The deputy's DM carries a token of its own.
    expect(buttonsOf('U0KHAN', LABOUR_REQUEST.matter)[0]!.value).not.toBe(accept.value);
    // Nothing in another group's DM names the group that asked.
    for (const post of slack.posts().filter((p) => p.params.channel !== 'DU0HALE'))
      expect(`${post.params.text}${post.params.blocks}`).not.toMatch(/Labour|Hale/);

    // Someone else pressing Webb's button (a forwarded message): told it is not theirs; nothing recorded.
    const foreign = await responseTo(await click('U0KHAN', accept));
    expect(foreign.args).toMatchObject({ response_type: 'ephemeral', text: 'These buttons are for Cllr Tom Webb only.' });
    expect((await w.store.reader().get('offer', tory.id))!.status).toBe('open');

    // Webb accepts: the ledger has it, as him, and the DM now says so.
    const answered = await responseTo(await click('U0WEBB', accept));
    expect(answered.args).toMatchObject({ replace_original: true });
    expect(String(answered.args.text)).toMatch(/^Accepted by Cllr Tom Webb on .+: Local Plan review/);
    expect((await w.store.reader().get('offer', tory.id))!).toMatchObject({ status: 'accepted', respondedBy: 'cllr-webb' });

    // The same button again: one answer per link.
    const again = await responseTo(await click('U0WEBB', accept));
    expect(String(again.args.text)).toMatch(/already been used to answer/);

    // The API recorded where the answer came from: the link's nonce says Slack.
    const event = (await w.store.auditEvents()).find((e) => e.action === 'offer.accepted' && e.entity.id === tory.id)!;
    expect(event.actor).toBe('cllr-webb');

    // A decline from the Greens' leader, through Bolt too.
    const green = view.offers.find((o) => o.party.id === 'green')!;
    const declined = await responseTo(await click('U0MOSS', buttonsOf('U0MOSS', LABOUR_REQUEST.matter)[1]!));
    expect(String(declined.args.text)).toMatch(/^Declined by Cllr Priya Moss/);
    await until(async () => (await w.store.reader().get('offer', green.id))!.status === 'declined');
  });
});
