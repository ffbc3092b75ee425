/** The Slack app's /healthz: 200 while what it depends on answers, 503 with the reason in one line while not. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let up: Harness;
let down: Harness;
const gone = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
gone.on('error', () => undefined);

beforeAll(async () => {
  up = await startHarness();
  down = await startHarness({ health: [{ name: "the Slack app's Redis", check: () => gone.ping() }] });
});
afterAll(async () => {
  await up?.close();
  await down?.close();
  gone.disconnect();
});

describe("the Slack app's /healthz", () => {
  it('answers 200 while its Redis answers, and 503 naming what is down (never where) while it does not', async () => {
    const ok = await fetch(new URL('/healthz', up.url));
    expect(ok.status).toBe(200);
    const bad = await fetch(new URL('/healthz', down.url));
    expect(bad.status).toBe(503);
    expect(await bad.json()).toEqual({ ok: false, error: 'unavailable', message: "the Slack app's Redis is unreachable" });
    expect(down.log.records.some((r) => r.msg === 'unhealthy')).toBe(true);
  });
});
