/**
 * The email-intake process (workers/enquiries-imap.ts) as production runs it, against a Dovecot started by the
 * test: a councillor's email lands in the member-enquiry mailbox and an enquiry is in Redis moments later.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnquiryStore } from '../../src/enquiries/store.js';
import { deletePrefix, SHARED_REDIS_URL, sharedRedis, uniquePrefix } from '../briefings/redis-helpers.js';
import { Dovecot, DOVECOT_BIN, DOVECOT_PASSWORD, withImap } from '../imap/dovecot.js';
import { rfc822 } from './mail.js';

let redis: Redis;
let dovecot: Dovecot;
let child: ChildProcess | undefined;
const prefix = uniquePrefix('enq-imap-proc');
const output: string[] = [];

beforeAll(async () => {
  redis = sharedRedis();
  dovecot = new Dovecot();
  await dovecot.start();
});
afterAll(async () => {
  if (child && child.exitCode === null) {
    await new Promise<void>((r) => {
      child!.once('exit', () => r());
      child!.kill('SIGTERM');
    });
  }
  await dovecot?.dispose();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

describe.skipIf(!DOVECOT_BIN)('the email-intake process', () => {
  it('opens an enquiry from a message that arrives in the watched mailbox', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probity-enq-imap-'));
    const councilFile = join(dir, 'council.yaml');
    writeFileSync(councilFile, readFileSync('examples/council.yaml', 'utf8').replace(/^protocol: .*$/m, 'protocol: wiltshire'));
    child = spawn(process.execPath, ['--import', 'tsx', 'workers/enquiries-imap.ts'], {
      env: {
        ...process.env,
        LOG_LEVEL: 'info',
        REDIS_URL: SHARED_REDIS_URL,
        PROBITY_COUNCIL: councilFile,
        PROBITY_ENQUIRIES_PREFIX: `${prefix}:data`,
        PROBITY_QUEUE_PREFIX: `${prefix}:q`,
        PROBITY_ENQUIRY_MAILBOXES: 'enquiries',
        PROBITY_IMAP_ENQUIRIES_HOST: '127.0.0.1',
        PROBITY_IMAP_ENQUIRIES_PORT: String(dovecot.port),
        PROBITY_IMAP_ENQUIRIES_SECURE: 'false',
        PROBITY_IMAP_ENQUIRIES_STARTTLS: 'false',
        PROBITY_IMAP_ENQUIRIES_USER: 'member.enquiries',
        PROBITY_IMAP_ENQUIRIES_PASSWORD: DOVECOT_PASSWORD,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
    child.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
    const store = new EnquiryStore(redis, `${prefix}:data`);
    const until = async <T>(what: string, f: () => Promise<T | undefined | false>) => {
      for (let i = 0; i < 300; i++) {
        const v = await f();
        if (v) return v;
        if (child!.exitCode !== null) throw new Error(`the process exited: ${output.join('')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${what}: ${output.join('')}`);
    };
    await until('the folder watched', async () => (await redis.keys(`${prefix}:data:imap:*`)).length === 1);
    await withImap(dovecot, 'member.enquiries', (c) =>
      c.append(
        'INBOX',
        rfc822({
          from: 'Cllr Tom Webb <tom.webb@ashcombe.gov.uk>',
          to: 'member.enquiries@ashcombe.gov.uk',
          subject: 'Grit bins in Hillcrest',
          date: new Date(),
          messageId: '<proc-1@ashcombe.gov.uk>',
          text: 'Could someone tell me which grit bins in Hillcrest are ours before the cold snap?',
        }),
      ),
    );
    const ids = await until('the enquiry', async () => {
      const open = await store.openIds();
      return open.length > 0 ? open : undefined;
    });
    expect(await store.get(ids[0]!)).toMatchObject({
      councillor: 'cllr-webb',
      mailbox: 'member.enquiries@ashcombe.gov.uk',
      subject: 'Grit bins in Hillcrest',
      status: 'open',
    });
  }, 60_000);
});
