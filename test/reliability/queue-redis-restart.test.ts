/**
 * Redis SIGKILLed and restarted under a running lint worker: its own `redis-server` (AOF, fsync always), 1,000
 * `slack-check` jobs queued (acknowledged by Redis), one real worker process answering through a loopback
 * response_url stub (test/slack/slack-stub.ts). Redis is killed when a third are answered and started again on the same port. The worker
 * reconnects by itself (it is not restarted), every acknowledged job is answered, and the queue drains. Duplicates
 * (jobs answered but not yet marked complete when Redis died, or whose completion was lost) are counted and
 * bounded by the worker's concurrency.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackCheckJob } from '../../src/queue/lint-jobs.js';
import { TEST_QUEUE_KEYS, testQueueKeys } from '../helpers/queue-keys.js';
import { createLintProducer, type LintProducer } from '../../src/queue/lint-queue.js';
import { LINT_WORKER_CONCURRENCY } from '../../src/queue/lint-worker.js';
import { producerConnection, whenReady } from '../../src/queue/redis.js';
import { OwnRedis } from '../briefings/redis-helpers.js';
import { until } from '../briefings/world.js';
import { SlackStub } from '../slack/slack-stub.js';
/** The Slack app's sealing keys: Slack jobs reach Redis sealed. */
const keys = testQueueKeys();

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = import.meta.resolve('tsx');
const JOBS = 1000;
const prefix = 'probity-rel-restart';

const stub = new SlackStub();
/** response_url answers Slack accepted, per job id. */
function answers(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of stub.callsOf('response')) counts.set(call.responseId!, (counts.get(call.responseId!) ?? 0) + 1);
  return counts;
}
let redis: OwnRedis;
let worker: ChildProcess;
let stderr = '';
let connection: ReturnType<typeof producerConnection>;
let producer: LintProducer;

beforeAll(async () => {
  await stub.start();
  redis = await OwnRedis.start();
  connection = producerConnection(redis.url);
  connection.on('error', () => undefined); // expected while Redis is down
  await whenReady(connection);
  producer = createLintProducer({ connection, prefix, keys });
}, 60_000);

afterAll(async () => {
  if (worker && worker.exitCode === null && worker.signalCode === null) {
    worker.kill('SIGKILL');
    await new Promise((r) => worker.once('exit', r));
  }
  await producer?.close().catch(() => undefined);
  connection?.disconnect();
  await redis?.stop();
  await stub.close();
});

const job = (n: number): SlackCheckJob => ({
  source: 'command',
  user: 'U0OKAFOR',
  from: 'U0OKAFOR',
  to: [],
  text: n % 10 === 0 ? 'I want you to print 500 leaflets for our Labour campaign by Friday.' : `Could you send me report ${n}?`,
  reply: { via: 'response_url', url: stub.responseUrl(`rr-${n}`) },
});

describe('reliability: Redis restarted under a running lint worker', () => {
  it('the worker reconnects by itself and answers every acknowledged job', async () => {
    for (let i = 0; i < JOBS; i += 500) {
      const batch = [];
      for (let n = i; n < Math.min(JOBS, i + 500); n++)
        batch.push({ name: 'slack-check' as const, data: keys.seal('slack-check', job(n)) as never, opts: { jobId: `rr-${n}` } });
      await producer.queue.addBulk(batch);
    }
    worker = spawn(process.execPath, ['--import', TSX, 'workers/lint.worker.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        REDIS_URL: redis.url,
        PROBITY_COUNCIL: 'examples/council.yaml',
        PROBITY_REDIS_PREFIX: prefix,
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        PROBITY_QUEUE_KEYS: TEST_QUEUE_KEYS,
        SLACK_API_URL: stub.apiUrl,
        SLACK_RESPONSE_URL_PREFIX: stub.baseUrl,
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    worker.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));

    await until(() => answers().size >= JOBS / 3 || worker.exitCode !== null, 'a third answered', 20);
    expect(worker.exitCode, stderr).toBeNull();
    await redis.crash();
    const answeredWhenKilled = answers().size;
    await new Promise((r) => setTimeout(r, 1500)); // Redis stays away a moment: the worker sees it gone
    await redis.start();

    await until(
      async () => {
        if (worker.exitCode !== null) return true;
        if (answers().size < JOBS) return false;
        try {
          const counts = await producer.queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'failed');
          return Object.values(counts).every((c) => c === 0);
        } catch {
          return false;
        }
      },
      'all answered after the restart',
      200,
    );
    expect(worker.exitCode, stderr).toBeNull();

    const posts = answers();
    const missing = [];
    for (let n = 0; n < JOBS; n++) if (!posts.has(`rr-${n}`)) missing.push(n);
    expect(missing).toEqual([]);
    const duplicated = [...posts.values()].filter((c) => c > 1).length;
    console.log(`[reliability] Redis restart under the worker: ${JSON.stringify({ jobs: JOBS, answeredWhenKilled, duplicatedJobs: duplicated })}`);
    expect(duplicated).toBeLessThanOrEqual(LINT_WORKER_CONCURRENCY);
  }, 180_000);
});
