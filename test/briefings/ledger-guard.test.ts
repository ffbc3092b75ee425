/**
 * What keeps the ledger honest outside the chain itself: the API and the notice worker refuse to run it on a
 * Redis without append-only persistence (unless told it is a test), and the Monitoring Officer receives the signed
 * head once a day by email, through the notices' own SMTP sender.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ledgerKeyFrom } from '../../src/briefings/integrity.js';
import { MemoryStore } from '../../src/briefings/memory-store.js';
import { assertDurableLedger, ledgerPersistence } from '../../src/briefings/redis-store.js';
import { BriefingService } from '../../src/briefings/service.js';
import { mailDailyCheckpoint } from '../../src/notices/checkpoint-mail.js';
import { EmailSender } from '../../src/notices/email.js';
import { ledgerEnv, TEST_LEDGER_KEY } from '../helpers/ledger-env.js';
import { actors, clock, council, ids, LABOUR_REQUEST } from './fixtures.js';
import { OwnRedis, SHARED_REDIS_URL, sharedRedis, uniquePrefix } from './redis-helpers.js';
import { SmtpSink } from './sinks.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('no ledger on a Redis that forgets', () => {
  const redis = sharedRedis();
  afterAll(() => redis.disconnect());

  it('reads the persistence from Redis itself, and refuses a Redis without AOF unless told it is a test', async () => {
    // The shared test Redis runs without AOF (.ci/run starts it so); a redis-server of our own has it on.
    expect(await ledgerPersistence(redis)).toMatchObject({ aof: false });
    await expect(assertDurableLedger(redis)).rejects.toThrow(/needs Redis with append-only persistence .* this Redis has none/);
    expect(await assertDurableLedger(redis, 'test')).toMatch(/running anyway because PROBITY_LEDGER_ALLOW_NO_AOF=test/);
    const own = await OwnRedis.start();
    try {
      const { Redis } = await import('ioredis');
      const durable = new Redis(own.url);
      expect(await ledgerPersistence(durable)).toEqual({ aof: true, fsync: 'always' });
      expect(await assertDurableLedger(durable)).toBeUndefined();
      durable.disconnect();
    } finally {
      await own.stop();
    }
  });

  it.each(['workers/api.ts', 'workers/notices.worker.ts'])(
    '%s will not start on it, and says why in one line',
    async (script) => {
      const prefix = uniquePrefix('aof');
      const { PROBITY_LEDGER_ALLOW_NO_AOF: _test, ...env } = ledgerEnv();
      const child = spawn(process.execPath, ['--import', 'tsx', script], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          ...env,
          PROBITY_COUNCIL: 'examples/council.yaml',
          REDIS_URL: SHARED_REDIS_URL,
          PROBITY_TOKEN_SECRET: 'aof-test-token-secret-0123456789abcdefghij',
          PROBITY_LINK_KEYS: 'k1:aof-test-link-key-0123456789abcdefghijklm',
          PROBITY_LEDGER_PREFIX: `${prefix}:ledger`,
          PROBITY_QUEUE_PREFIX: `${prefix}-bull`,
          SMTP_URL: 'smtp://127.0.0.1:9',
          PORT: '0',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
      child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code, output).not.toBe(0);
      expect(output).toContain('the briefing ledger needs Redis with append-only persistence');
      expect(output).not.toMatch(/\n\s+at /); // a line, not a stack trace
    },
    60_000,
  );
});

describe("the Monitoring Officer's daily checkpoint", () => {
  it('goes once a day, from the start of the working day, with the signed head; and is on the record', async () => {
    const smtp = await SmtpSink.start();
    const key = ledgerKeyFrom(TEST_LEDGER_KEY);
    const c = clock('2026-11-24T07:30:00Z'); // 07:30 in London: before the working day starts at 08:00
    const service = new BriefingService({ council: council(), store: new MemoryStore(), clock: c, newId: ids('cp'), ledgerKey: key });
    const email = new EmailSender({
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      ignoreTLS: true,
      from: { name: 'Probity', email: 'briefings@ashcombe.gov.uk' },
    });
    const deps = { service, email, from: { name: 'Probity', email: 'briefings@ashcombe.gov.uk' }, publicUrl: 'https://probity.ashcombe.gov.uk' };
    try {
      expect(await mailDailyCheckpoint(deps, c())).toBe('not-yet');
      c.set('2026-11-24T09:00:00Z');
      expect(await mailDailyCheckpoint(deps, c())).toBe('empty-ledger');
      await service.request(actors.labourLeader, LABOUR_REQUEST);
      const head = await service.store.head();
      expect(await mailDailyCheckpoint(deps, c())).toBe('sent');
      expect(await mailDailyCheckpoint(deps, c())).toBe('already-sent');
      c.set('2026-11-25T09:00:00Z');
      expect(await mailDailyCheckpoint(deps, c())).toBe('sent');

      expect(smtp.mails).toHaveLength(2);
      const [first] = smtp.mails;
      expect(first!.envelopeTo).toEqual(['rajinder.singh@ashcombe.gov.uk']); // the Monitoring Officer in council.yaml
      expect(first!.subject).toBe(`Briefing ledger checkpoint, 2026-11-24: event ${head.seq}`);
      expect(first!.text).toContain(`Last event:  ${head.seq}`);
      expect(first!.text).toContain(`Its hash:    ${head.hash}`);
      expect(first!.text).toContain(`Signature:   ${head.sig}`);
      expect(first!.text).toContain(`Ledger key:  ${key.keyId}`);
      expect(first!.text).toContain('-----BEGIN PUBLIC KEY-----');
      const mailed = (await service.store.auditEvents()).filter((e) => e.action === 'ledger.checkpoint-mailed');
      expect(mailed.map((e) => e.entity.id)).toEqual(['ledger-checkpoint-2026-11-24', 'ledger-checkpoint-2026-11-25']);
      expect(mailed[0]!.note).toContain(`event ${head.seq} (hash ${head.hash}) mailed to o-singh`);
      expect((await service.verifyAudit(actors.mo)).ok).toBe(true);
    } finally {
      email.close();
      await smtp.stop();
    }
  });
});
