/**
 * Bolt's receiver refuses requests Slack did not sign, or signed more than 5 minutes ago; the replay guard in front
 * of it refuses those dated more than 5 minutes ahead, and drops a signed request sent again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageEvent, sign, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('request signatures', () => {
  it('answers a correctly signed url_verification', async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'abc123', token: 'x' });
    const response = await h.post(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ challenge: 'abc123' });
  });

  it('refuses a signature made with another secret (401), and queues nothing', async () => {
    const { response } = await h.postEvent(messageEvent({ text: 'hello' }), { signature: sign('{}', Math.floor(Date.now() / 1000), 'wrong-secret') });
    expect(response.status).toBe(401);
    const body = JSON.stringify({ type: 'url_verification', challenge: 'x' });
    const ts = Math.floor(Date.now() / 1000);
    const tampered = await h.post(body, { timestamp: ts, signature: sign(`${body} `, ts) });
    expect(tampered.status).toBe(401);
    expect(await h.lint.queue.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(0);
  });

  it('refuses a correctly signed request whose timestamp is more than 5 minutes old (401)', async () => {
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const body = JSON.stringify({ type: 'url_verification', challenge: 'old' });
    const response = await h.post(body, { timestamp: stale, signature: sign(body, stale) });
    expect(response.status).toBe(401);
  });

  it.each([
    ['an hour', 3600],
    ['a year', 365 * 86_400],
  ])('refuses a correctly signed request dated %s in the future (401), and queues nothing', async (_, ahead) => {
    const future = Math.floor(Date.now() / 1000) + ahead;
    const { response } = await h.postEvent(messageEvent({ text: 'Amir, print 500 campaign leaflets for our ward party.' }), { timestamp: future });
    expect(response.status).toBe(401);
    expect(await h.lint.queue.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(0);
  });

  it("accepts a clock a little ahead (within Slack's 5 minutes)", async () => {
    const ahead = Math.floor(Date.now() / 1000) + 60;
    const body = JSON.stringify({ type: 'url_verification', challenge: 'ahead' });
    const response = await h.post(body, { timestamp: ahead, signature: sign(body, ahead) });
    expect(response.status).toBe(200);
  });

  it('answers a replayed signed request 200 without handling it again', async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'once' });
    const ts = Math.floor(Date.now() / 1000);
    const first = await h.post(body, { timestamp: ts });
    expect(await first.json()).toEqual({ challenge: 'once' });
    const again = await h.post(body, { timestamp: ts });
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('');
  });

  it('refuses a request with no signature headers (401)', async () => {
    const response = await fetch(h.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type":"url_verification","challenge":"x"}',
    });
    expect(response.status).toBe(401);
  });
});
