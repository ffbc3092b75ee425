/**
 * IMAP message size, against a real Dovecot: a draft larger than MAX_DRAFT_BYTES (2 MiB; a 6 MiB attachment after
 * the text) is fetched only up to that limit, still checked (the text comes first, as mail clients write it), and
 * nudged once. A draft that is nothing but 6 MiB of headers-then-garbage is "unreadable" or "clean", a status, not
 * a crash. Skipped when Dovecot is not installed (CI installs it; see .ci/run).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLinter } from '../../src/lint/load.js';
import type { MailboxConfig } from '../../src/mail/imap-config.js';
import { checkDraft, DEFAULT_KEYWORD, MAX_DRAFT_BYTES, type CheckDraftDeps } from '../../src/mail/imap-draft-processor.js';
import { DraftState } from '../../src/mail/imap-state.js';
import type { Log } from '../../src/queue/log.js';
import { deletePrefix, sharedRedis } from '../briefings/redis-helpers.js';
import { DOVECOT_BIN, Dovecot, dovecotMailbox, withImap } from '../imap/dovecot.js';

const FLAGGED = 'Hi Amir, I want you to print 500 leaflets for our Labour campaign by Friday.';
const KEY_PREFIX = `probity-test-imapsize-${randomUUID().slice(0, 8)}:`;

const records: { level: string; msg: string; fields: object }[] = [];
const log: Log = {
  debug: (fields, msg) => void records.push({ level: 'debug', msg, fields }),
  info: (fields, msg) => void records.push({ level: 'info', msg, fields }),
  warn: (fields, msg) => void records.push({ level: 'warn', msg, fields }),
  error: (fields, msg) => void records.push({ level: 'error', msg, fields }),
} as Log;

let dovecot: Dovecot;
let config: MailboxConfig;
const redis = sharedRedis();
const linter = loadLinter();

function bigDraft(id: string, attachmentBytes: number): string {
  const boundary = `b-${id}`;
  const attachment = Buffer.alloc(attachmentBytes, 0x5a).toString('base64').replace(/.{76}/g, '$&\r\n');
  return [
    'From: daniel.okafor@ashcombe.gov.uk',
    'To: amir.patel@ashcombe.gov.uk',
    `Subject: Leaflets ${id}`,
    `Message-ID: <${id}@example.test>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    FLAGGED,
    '',
    `--${boundary}`,
    'Content-Type: application/octet-stream; name="plan.bin"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="plan.bin"',
    '',
    attachment,
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

describe.skipIf(!DOVECOT_BIN)('IMAP message size (real Dovecot)', () => {
  beforeAll(async () => {
    dovecot = new Dovecot();
    await dovecot.start();
    const user = `size${randomUUID().slice(0, 6)}`;
    config = dovecotMailbox(dovecot, user);
  }, 60_000);
  afterAll(async () => {
    await dovecot?.dispose();
    await deletePrefix(redis, KEY_PREFIX);
    redis.disconnect();
  });

  const deps = (): CheckDraftDeps => ({
    imap: { mailboxes: new Map([[config.id, config]]), minSeverity: 'warning', nudgeFrom: 'probity@ashcombe.gov.uk', keyword: DEFAULT_KEYWORD },
    linter,
    state: new DraftState(redis, KEY_PREFIX),
    log,
  });

  it('a draft over 2 MiB is read only that far, still checked, and nudged once', async () => {
    const raw = bigDraft(randomUUID().slice(0, 8), 6 * 1024 * 1024);
    expect(raw.length).toBeGreaterThan(MAX_DRAFT_BYTES * 3);
    const { uid, uidValidity } = await withImap(dovecot, config.user, async (client) => {
      const appended = await client.append('Drafts', raw, ['\\Draft']);
      const status = await client.status('Drafts', { uidValidity: true });
      if (!status) throw new Error('STATUS Drafts failed');
      return { uid: appended && appended.uid, uidValidity: String(status.uidValidity) };
    });
    expect(uid).toBeTruthy();
    const job = { mailbox: config.id, folder: 'Drafts', uidValidity, uid: uid as number };
    const first = await checkDraft(job, deps());
    expect(first.status).toBe('nudged');
    expect(first.rules).toContain('political-request');
    const again = await checkDraft(job, deps());
    expect(again.status).toBe('already-nudged');
    const inbox = await withImap(dovecot, config.user, async (client) => {
      const status = await client.status('INBOX', { messages: true });
      return status ? status.messages : -1;
    });
    expect(inbox).toBe(1);
    expect(records.filter((r) => r.level === 'error')).toEqual([]);
  }, 60_000);

  it('a huge draft whose first 2 MiB are all header is a status, not a crash', async () => {
    const raw = `Subject: x\r\nX-Junk: ${'y'.repeat(3 * 1024 * 1024)}\r\n\r\nbody\r\n`;
    const { uid, uidValidity } = await withImap(dovecot, config.user, async (client) => {
      const appended = await client.append('Drafts', raw, ['\\Draft']);
      const status = await client.status('Drafts', { uidValidity: true });
      if (!status) throw new Error('STATUS Drafts failed');
      return { uid: appended && appended.uid, uidValidity: String(status.uidValidity) };
    });
    const outcome = await checkDraft({ mailbox: config.id, folder: 'Drafts', uidValidity, uid: uid as number }, deps());
    expect(['unreadable', 'clean']).toContain(outcome.status);
  }, 60_000);
});
