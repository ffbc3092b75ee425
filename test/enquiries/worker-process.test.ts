/**
 * The real worker process, killed with SIGKILL in the middle of sending a reminder: the next worker picks the job
 * up once its lock lapses and the reminder is delivered exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobScheduler } from '../../src/enquiries/queue.js';
import { deletePrefix, SHARED_REDIS_URL, sharedRedis, uniquePrefix } from '../briefings/redis-helpers.js';
import { SmtpSink } from '../briefings/sinks.js';
import { email, wiltshireCouncil, world } from './world.js';
import { readFileSync } from 'node:fs';

const START = '2026-04-07T07:59:58.000+01:00';
let redis: Redis;
const prefix = uniquePrefix('enq-kill');
const children: ChildProcess[] = [];
beforeAll(() => {
  redis = sharedRedis();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

function startWorker(env: Record<string, string>, clockStart: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/enquiries.worker.ts'], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PROBITY_CLOCK_START: clockStart },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  return child;
}

describe('a killed worker', () => {
  it('loses no reminder and sends none twice', async () => {
    let firstSeen!: () => void;
    const seen = new Promise<void>((r) => (firstSeen = r));
    const sink = await SmtpSink.start({
      reply: async (_mail, count) => {
        if (count !== 1) return undefined;
        firstSeen();
        await new Promise((r) => setTimeout(r, 4_000));
        return 451;
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'probity-enq-'));
    const councilFile = join(dir, 'council.yaml');
    writeFileSync(councilFile, readFileSync('examples/council.yaml', 'utf8').replace(/^protocol: .*$/m, 'protocol: wiltshire'));
    const env = {
      REDIS_URL: SHARED_REDIS_URL,
      PROBITY_COUNCIL: councilFile,
      PROBITY_ENQUIRIES_PREFIX: `${prefix}:data`,
      PROBITY_QUEUE_PREFIX: `${prefix}:q`,
      PROBITY_TOKEN_SECRET: 'enquiry-test-secret-enquiry-test-secret',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(sink.port),
      SMTP_IGNORE_TLS: 'true',
      ENQUIRY_LOCK_MS: '1000',
      ENQUIRY_STALLED_MS: '500',
      ENQUIRY_BACKOFF_MS: '200',
      ENQUIRY_SWEEP_MS: '600000',
    };
    const t0 = Date.now();
    const clockAt = () => new Date(Date.parse(START) + (Date.now() - t0)).toISOString();
    const w = world(redis, `${prefix}:data`, { council: wiltshireCouncil() });
    const connection = sharedRedis();
    const scheduler = new JobScheduler({ connection, prefix: `${prefix}:q`, calendar: w.service.calendar, remindBefore: 1, clock: () => new Date(clockAt()) });
    w.service.setScheduler(scheduler);

    const first = startWorker(env, clockAt());
    const e = (await w.service.intake(email({ text: 'Kasia, could you check the repair date?' }))).enquiry!;
    await seen;
    await new Promise<void>((r) => {
      first.once('exit', () => r());
      first.kill('SIGKILL');
    });
    startWorker(env, clockAt());
    const end = Date.now() + 25_000;
    while (sink.mails.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(sink.mails.map((m) => m.envelopeTo)).toEqual([['kasia.nowak@ashcombe.gov.uk']]);
    expect((await w.store.events(e.id)).filter((ev) => ev.type === 'reminded')).toHaveLength(1);
    await scheduler.close();
    await connection.quit();
    await sink.stop();
  }, 60_000);
});
