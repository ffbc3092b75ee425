/**
 * Slack intake through a real Bolt HTTP receiver on loopback, with signed event requests (Slack's own signing
 * scheme), Slack's Web API stubbed: a councillor asks an officer by @mention, the officer replies in the thread,
 * and Slack's retry of the first event changes nothing.
 */
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enquiryMessageListener } from '../../src/enquiries/slack-intake.js';
import type { IntakeResult } from '../../src/enquiries/service.js';
import { silentLog } from '../../src/queue/log.js';
import { deletePrefix, sharedRedis, uniquePrefix } from '../briefings/redis-helpers.js';
import { SlackStub } from '../briefings/sinks.js';
import { world } from './world.js';

const SIGNING_SECRET = 'enquiry-slack-signing-secret-0123456789';
let redis: Redis;
const prefix = uniquePrefix('enq-slack');
let app: App;
let stub: SlackStub;
let url: string;
const results: IntakeResult[] = [];

beforeAll(async () => {
  redis = sharedRedis();
  stub = await SlackStub.start();
  const w = world(redis, `${prefix}:data`);
  const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET, endpoints: ['/slack/events'], processBeforeResponse: true, logLevel: LogLevel.ERROR });
  app = new App({
    receiver,
    token: 'xoxb-test',
    tokenVerificationEnabled: false,
    botId: 'B0PROBITY',
    botUserId: 'U0PROBITY',
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: stub.apiUrl },
  });
  app.event('message', enquiryMessageListener({ service: w.service, log: silentLog, onIntake: (r) => results.push(r) }));
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});
afterAll(async () => {
  await app?.stop();
  await stub?.stop();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

async function post(eventId: string, event: Record<string, unknown>, retry = 0) {
  const body = JSON.stringify({
    type: 'event_callback',
    team_id: 'T0ASHCOMBE',
    api_app_id: 'A0PROBITY',
    event_id: eventId,
    event_time: 1775118600,
    event: { type: 'message', channel: 'C0RIVERSIDE', channel_type: 'channel', ...event },
  });
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature,
      ...(retry ? { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_timeout' } : {}),
    },
    body,
  });
  expect(res.status).toBe(200);
}

describe.sequential('Slack intake', () => {
  // Thursday 2 April 2026, 09:30 London.
  const askTs = '1775118600.000100';
  it('opens an enquiry when a councillor asks an officer by @mention', async () => {
    await post('Ev1', { user: 'U0PRICE', text: '<@U0NOWAK> is the repairs line down? mrs denton says it rings out', ts: askTs });
    expect(results.at(-1)).toMatchObject({
      action: 'opened',
      enquiry: { councillor: 'cllr-price', officer: 'o-nowak', channel: 'slack', subject: 'Slack message', acknowledgeDay: '2026-04-08' },
    });
  });

  it("ignores Slack's retry of the same event", async () => {
    await post('Ev1', { user: 'U0PRICE', text: '<@U0NOWAK> is the repairs line down? mrs denton says it rings out', ts: askTs }, 1);
    expect(results.at(-1)).toMatchObject({ action: 'ignored' });
  });

  it("is acknowledged by the officer's reply in the thread, and a councillor's thanks opens nothing", async () => {
    await post('Ev2', {
      user: 'U0NOWAK',
      text: 'Thanks for your message, I will look into it and get back to you today.',
      ts: '1775120400.000200',
      thread_ts: askTs,
    });
    expect(results.at(-1)).toMatchObject({ action: 'acknowledged', enquiry: { status: 'acknowledged' } });
    await post('Ev3', { user: 'U0PRICE', text: 'thanks kasia!', ts: '1775120500.000300', thread_ts: askTs });
    expect(results.at(-1)).toMatchObject({ action: 'followed' });
  });

  it('opens nothing for chat in a channel', async () => {
    await post('Ev4', { user: 'U0LOWE', text: 'morning all, lovely day for it', ts: '1775121000.000400' });
    expect(results.at(-1)).toMatchObject({ action: 'ignored' });
  });
});
