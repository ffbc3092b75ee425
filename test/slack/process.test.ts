/** workers/slack.ts as a real process: starts against the stubbed Slack API, serves Slack, stops on SIGTERM. */
import { TEST_QUEUE_KEYS } from '../helpers/queue-keys.js';
import { freePort } from '../helpers/free-port.js';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { producerConnection, whenReady } from '../../src/queue/redis.js';
import { dumpKeys, REDIS_URL, sign, SIGNING_SECRET } from './harness.js';
import { SlackStub } from './slack-stub.js';

const prefix = `probity-test-slackproc-${randomUUID().slice(0, 8)}`;
const stub = new SlackStub();
const redis = producerConnection(REDIS_URL);

beforeAll(async () => {
  await stub.start();
  await whenReady(redis);
});
afterAll(async () => {
  for (const key of (await dumpKeys(redis, `${prefix}*`)).keys()) await redis.del(key);
  await redis.quit();
  await stub.close();
});

describe('workers/slack.ts', () => {
  it('verifies its token, answers Slack and /healthz, and exits 0 on SIGTERM', async () => {
    stub.script('auth.test', { body: { ok: true, user_id: 'U0PROBITY', bot_id: 'B0PROBITY', team_id: 'T0ASHCOMBE' } });
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'workers/slack.ts'], {
      env: {
        ...process.env,
        REDIS_URL,
        PROBITY_COUNCIL: 'examples/council.yaml',
        PROBITY_REDIS_PREFIX: prefix,
        SLACK_BOT_TOKEN: 'xoxb-process-test',
        PROBITY_QUEUE_KEYS: TEST_QUEUE_KEYS,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: stub.apiUrl,
        SLACK_PORT: String(port),
        SLACK_HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines: string[] = [];
    const listening = new Promise<void>((resolve) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        lines.push(line);
        if (line.includes('"slack app listening"')) resolve();
      });
    });
    await Promise.race([listening, once(child, 'exit').then(() => Promise.reject(new Error(`exited early: ${stderr}`)))]);

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const body = JSON.stringify({ type: 'url_verification', challenge: 'proc' });
    const ts = Math.floor(Date.now() / 1000);
    const challenge = await fetch(`http://127.0.0.1:${port}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(body, ts) },
      body,
    });
    expect(await challenge.json()).toEqual({ challenge: 'proc' });
    expect(stub.callsOf('auth.test')).toHaveLength(1);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(lines.some((l) => l.includes('"slack stopping"'))).toBe(true);
  });
});
