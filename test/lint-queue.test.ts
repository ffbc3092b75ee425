/**
 * The `lint` queue on the real Redis (a unique prefix per run; only its own keys are removed): job ids and
 * options, dispatch by job name, unrecoverable unknown jobs, fail-fast producers, no text left behind, and the
 * worker process's graceful SIGTERM.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLinter } from '../src/lint/load.js';
import { LINT_JOB_OPTIONS, LINT_QUEUE, lintJobId, type LintJobResult } from '../src/queue/lint-jobs.js';
import { testQueueKeys } from './helpers/queue-keys.js';
import { createLintProducer, type LintProducer } from '../src/queue/lint-queue.js';
import { createLintWorker, type LintWorker } from '../src/queue/lint-worker.js';
import type { ProcessorRegistry } from '../src/queue/processor.js';
import { producerConnection, whenReady, workerConnection } from '../src/queue/redis.js';
import { dumpKeys, RecordingLog } from './slack/harness.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `probity-test-queue-${randomUUID().slice(0, 8)}`;
const linter = loadLinter();
const log = new RecordingLog();
const seen: { name: string; text: string; findings: string[] }[] = [];

/** Stand-in processors that lint for real and remember what they saw (in memory, like the real ones). */
const processors: ProcessorRegistry = {
  'slack-message': async (data, context) => {
    const { findings } = context.linter.lint({ channel: 'slack', from: data.user, to: data.to, cc: [], bcc: [], text: data.text });
    seen.push({ name: 'slack-message', text: data.text, findings: findings.map((f) => f.rule) });
    return { findings: findings.length, delivered: 'none' };
  },
  'slack-check': async (data) => {
    if (data.text === 'fail permanently') {
      const { UnrecoverableError } = await import('bullmq');
      throw new UnrecoverableError('permanent');
    }
    seen.push({ name: 'slack-check', text: data.text, findings: [] });
    return { findings: 0, delivered: 'none' };
  },
} as Partial<ProcessorRegistry> as ProcessorRegistry;

const redis = producerConnection(REDIS_URL);
const workerRedis = workerConnection(REDIS_URL);
const eventsRedis = workerConnection(REDIS_URL);
let producer: LintProducer;
let worker: LintWorker;
let events: QueueEvents;

beforeAll(async () => {
  await whenReady(redis);
  producer = createLintProducer({ connection: redis, prefix, keys: testQueueKeys() });
  worker = createLintWorker({
    connection: workerRedis,
    prefix,
    processors,
    keys: testQueueKeys(),
    context: { linter, redis: workerRedis, keyPrefix: `${prefix}:`, log },
  });
  events = new QueueEvents(LINT_QUEUE, { connection: eventsRedis, prefix });
  await Promise.all([worker.worker.waitUntilReady(), events.waitUntilReady()]);
});

afterAll(async () => {
  await worker?.shutdown(5_000);
  await events?.close();
  await producer?.queue.obliterate({ force: true }).catch(() => undefined);
  await producer?.close();
  for (const key of (await dumpKeys(redis, `${prefix}*`)).keys()) await redis.del(key);
  await redis.quit();
  await workerRedis.quit();
  await eventsRedis.quit().catch(() => eventsRedis.disconnect());
});

const slackMessage = (text: string) => ({
  kind: 'posted' as const,
  eventId: `Ev${randomUUID().slice(0, 8)}`,
  channel: 'C0Q',
  ts: '1714560000.000100',
  user: 'U0OKAFOR',
  to: ['U0PATEL'],
  text,
});

describe('job ids and options', () => {
  it('makes ids BullMQ accepts: no ":" and never all digits', () => {
    expect(lintJobId('slack-message', 'Ev:1/2 3')).toBe('slack-message-Ev-1-2-3');
    expect(lintJobId('slack-check', '12345')).toBe('slack-check-12345');
    expect(lintJobId('slack-check', '1714560000.123')).not.toMatch(/^\d+$/);
  });

  it('removes every job on completion and on final failure, and retries with backoff', () => {
    expect(LINT_JOB_OPTIONS.removeOnComplete).toBe(true);
    expect(LINT_JOB_OPTIONS.removeOnFail).toBe(true);
    expect(LINT_JOB_OPTIONS.attempts).toBeGreaterThan(1);
    expect(LINT_JOB_OPTIONS.backoff.type).toBe('exponential');
  });

  it('refuses an id with ":" before it reaches Redis', async () => {
    await expect(
      producer.add('slack-check', { source: 'command', user: 'U', from: 'U', to: [], text: 'x', reply: { via: 'view', viewId: 'V' } }, { id: 'a:b' }),
    ).rejects.toThrow(/must not contain/);
  });
});

describe('the worker', () => {
  it('dispatches by job name to the registry, lints for real, and leaves no text in Redis', async () => {
    const marker = `queue-marker-${Date.now()}`;
    const id = lintJobId('slack-message', 'dispatch', marker.slice(-6));
    const done = new Promise<LintJobResult>((resolve) => {
      events.on('completed', ({ jobId, returnvalue }) => {
        if (jobId === id) resolve(returnvalue as unknown as LintJobResult);
      });
    });
    await producer.add('slack-message', slackMessage(`I want you to print 500 leaflets for our Labour campaign by Friday. ${marker}`), { id });
    const result = await done;
    expect(result).toEqual({ findings: expect.any(Number), delivered: 'none' });
    const entry = seen.find((s) => s.text.includes(marker));
    expect(entry?.findings).toContain('political-request');
    expect(await producer.queue.getJob(id)).toBeUndefined();
    for (const [key, value] of await dumpKeys(redis, `${prefix}*`)) {
      expect(key).not.toContain(marker);
      expect(value, key).not.toContain(marker);
    }
  });

  it('ignores a second add with the same id while the first exists', async () => {
    await worker.worker.pause();
    const id = lintJobId('slack-check', 'dup', randomUUID().slice(0, 6));
    const data = { source: 'command' as const, user: 'U0A', from: 'U0A', to: [], text: 'dup-check', reply: { via: 'view' as const, viewId: 'V1' } };
    await producer.add('slack-check', data, { id });
    await producer.add('slack-check', data, { id });
    expect(await producer.queue.getJobCountByTypes('waiting')).toBe(1);
    const done = new Promise<void>((resolve) => events.on('completed', ({ jobId }) => jobId === id && resolve()));
    worker.worker.resume();
    await done;
    expect(seen.filter((s) => s.text === 'dup-check')).toHaveLength(1);
  });

  it('fails an unknown job name as unrecoverable (no retries) and removes it', async () => {
    const id = `unknown-${randomUUID().slice(0, 6)}`;
    const failed = new Promise<string>((resolve) => events.on('failed', ({ jobId, failedReason }) => jobId === id && resolve(failedReason)));
    await producer.queue.add('fax-message', { text: 'x' }, { jobId: id });
    expect(await failed).toContain('no processor for lint job "fax-message"');
    expect(await producer.queue.getJob(id)).toBeUndefined();
    await log.waitFor((r) => r.msg === 'lint job failed' && r.fields.jobId === id);
    expect(log.records.find((r) => r.fields.jobId === id)?.fields.attemptsMade).toBe(1);
  });

  it("does not retry a processor's UnrecoverableError", async () => {
    const id = lintJobId('slack-check', 'perm', randomUUID().slice(0, 6));
    const failed = new Promise<void>((resolve) => events.on('failed', ({ jobId }) => jobId === id && resolve()));
    await producer.add(
      'slack-check',
      { source: 'command', user: 'U', from: 'U', to: [], text: 'fail permanently', reply: { via: 'view', viewId: 'V' } },
      { id },
    );
    await failed;
    expect(await producer.queue.getJob(id)).toBeUndefined();
  });
});

describe('producers fail fast', () => {
  it('rejects at once when Redis is unreachable, instead of queueing the command offline', async () => {
    const dead = producerConnection('redis://127.0.0.1:1', { retryStrategy: () => null, lazyConnect: true });
    dead.on('error', () => undefined);
    await dead.connect().catch(() => undefined);
    const lint = createLintProducer({ connection: dead, prefix, keys: testQueueKeys(), log });
    await expect(
      lint.add('slack-check', { source: 'command', user: 'U', from: 'U', to: [], text: 'x', reply: { via: 'view', viewId: 'V' } }, { id: 'slack-check-dead' }),
    ).rejects.toThrow();
    await lint.close().catch(() => undefined);
    dead.disconnect();
  });
});

describe('workers/lint.worker.ts', () => {
  it('starts, and on SIGTERM closes the worker and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'workers/lint.worker.ts'], {
      env: { ...process.env, REDIS_URL, PROBITY_COUNCIL: 'examples/council.yaml', PROBITY_REDIS_PREFIX: `${prefix}-proc`, SLACK_BOT_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const reader = createInterface({ input: child.stdout! });
    const ready = new Promise<void>((resolve) => {
      reader.on('line', (line) => {
        lines.push(line);
        if (line.includes('"lint worker ready"')) resolve();
      });
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await Promise.race([ready, once(child, 'exit').then(() => Promise.reject(new Error(`worker exited early: ${stderr}`)))]);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(lines.some((l) => l.includes('"outcome":"drained"'))).toBe(true);
    expect(lines.some((l) => l.includes('"lint-worker stopped"'))).toBe(true);
    for (const key of (await dumpKeys(redis, `${prefix}-proc*`)).keys()) await redis.del(key);
  });
});
