/**
 * Message text never reaches Redis's disk. A redis-server of the test's own with `appendonly yes` and
 * `appendfsync always` (every command written before it is answered); a Slack message with a unique marker goes
 * through the real path (a signed event to the Bolt receiver, the lint queue, the lint worker, the warning to the
 * Slack API stub); then every file Redis wrote is read for the marker and the message's words. The same run with
 * a producer that does not seal (what the queue did before) finds the marker in the AOF, so the grep can fail.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINT_JOB_OPTIONS, LINT_QUEUE } from '../../src/queue/lint-jobs.js';
import { producerConnection, whenReady } from '../../src/queue/redis.js';
import { QueueKeys } from '../../src/queue/sealed.js';
import { OwnRedis } from '../briefings/redis-helpers.js';
import { messageEvent, startHarness, type Harness } from '../slack/harness.js';

let redis: OwnRedis;
let harness: Harness;

beforeAll(async () => {
  redis = await OwnRedis.start();
  harness = await startHarness({ redisUrl: redis.url });
}, 60_000);

afterAll(async () => {
  await harness?.close();
  await redis?.stop();
});

/** Every file under Redis's directory (the AOF's base, incremental and manifest files; any RDB), as bytes. */
function redisFiles(dir: string): Buffer {
  const parts: Buffer[] = [];
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else parts.push(readFileSync(full));
    }
  };
  walk(dir);
  return Buffer.concat(parts);
}

const MESSAGE = (marker: string) => `<@U0PATEL> I want you to print 500 leaflets for our Labour campaign by Friday. Quillfeather ${marker}`;

describe('the lint queue keeps message text off disk', () => {
  it('a Slack message checked through the real queue leaves its text in no file Redis wrote (AOF on, fsync always)', async () => {
    const marker = `zq${randomUUID().replace(/-/g, '')}`;
    const event = messageEvent({ text: MESSAGE(marker) });
    const { response } = await harness.postEvent(event);
    expect(response.status).toBe(200);
    // The worker checked it and warned the author: the job went through Redis and back.
    const warning = await harness.stub.waitFor((call) => call.method === 'chat.postEphemeral' && call.args.channel === event.channel);
    expect(JSON.stringify(warning.args)).toContain('political-request');

    const disk = redisFiles(redis.dir);
    expect(disk.length).toBeGreaterThan(0);
    // The job was written (its id is in the AOF) but not its text.
    expect(disk.includes(Buffer.from(`${harness.prefix}:${LINT_QUEUE}`))).toBe(true);
    for (const secret of [marker, 'Quillfeather', 'leaflets for our Labour campaign']) {
      expect(disk.includes(Buffer.from(secret)), `"${secret}" is on disk`).toBe(false);
    }
  });

  it('the grep finds the text when a job is queued unsealed (so the test above can fail), and the worker refuses it', async () => {
    const marker = `zq${randomUUID().replace(/-/g, '')}`;
    const connection = producerConnection(redis.url);
    await whenReady(connection);
    const plain = new Queue(LINT_QUEUE, { connection, prefix: harness.prefix, defaultJobOptions: LINT_JOB_OPTIONS });
    await plain.add(
      'slack-check',
      { source: 'command', user: 'U0OKAFOR', from: 'U0OKAFOR', to: [], text: MESSAGE(marker), reply: { via: 'view', viewId: 'V0PLAIN' } },
      { jobId: `slack-check-plain-${marker}` },
    );
    await harness.log.waitFor((r) => r.msg === 'lint job failed' && String(r.fields.jobId).includes(marker));
    const failure = harness.log.records.find((r) => r.msg === 'lint job failed' && String(r.fields.jobId).includes(marker))!;
    expect(JSON.stringify(failure.fields)).toContain('arrived unsealed');
    expect(JSON.stringify(failure.fields)).not.toContain('Quillfeather');
    expect(redisFiles(redis.dir).includes(Buffer.from(marker))).toBe(true);
    await plain.close();
    connection.disconnect();
  });

  it('a payload sealed with another key, or moved to another job name, does not open', () => {
    const keys = QueueKeys.parse('a:0123456789abcdef0123456789abcdef0123');
    const other = QueueKeys.parse('a:fedcba9876543210fedcba9876543210fedc');
    const sealed = keys.seal('slack-check', { text: 'hello' });
    expect(keys.open('slack-check', sealed)).toEqual({ text: 'hello' });
    expect(() => other.open('slack-check', sealed)).toThrow('does not open with key "a"');
    expect(() => keys.open('slack-message', sealed)).toThrow('does not open');
    expect(() => QueueKeys.parse('b:0123456789abcdef0123456789abcdef0123').open('slack-check', sealed)).toThrow(
      'sealed with key "a", which is not in PROBITY_QUEUE_KEYS',
    );
    expect(() => QueueKeys.parse('short:abc')).toThrow('PROBITY_QUEUE_KEYS (key "short") must be set to at least 32 characters');
    expect(() => QueueKeys.parse('')).toThrow('PROBITY_QUEUE_KEYS must be set');
  });
});
