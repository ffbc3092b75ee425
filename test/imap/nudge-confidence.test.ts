/**
 * The IMAP nudge applies the council's `pre-send` confidence threshold and says how sure Probity is, against a real
 * Dovecot and the shared Redis. Findings come from a scripted linter with explicit confidences ("[conf 0.49]").
 */
import { randomUUID } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailboxConfig } from '../../src/mail/imap-config.js';
import { checkDraft, DEFAULT_KEYWORD, type CheckDraftDeps } from '../../src/mail/imap-draft-processor.js';
import { DraftState } from '../../src/mail/imap-state.js';
import type { Log } from '../../src/queue/log.js';
import { deletePrefix, sharedRedis } from '../briefings/redis-helpers.js';
import { scriptedLinter } from '../helpers/scripted-linter.js';
import { DOVECOT_BIN, Dovecot, dovecotMailbox, withImap } from './dovecot.js';

const KEY_PREFIX = `probity-test-nudge-conf-${randomUUID().slice(0, 8)}:`;
const silent: Log = { debug() {}, info() {}, warn() {}, error() {} } as Log;
const redis = sharedRedis();
let dovecot: Dovecot;

function mailbox(): MailboxConfig {
  return dovecotMailbox(dovecot, `conf${randomUUID().slice(0, 8)}`);
}

function deps(config: MailboxConfig): CheckDraftDeps {
  return {
    imap: { mailboxes: new Map([[config.id, config]]), minSeverity: 'warning', nudgeFrom: 'probity@ashcombe.gov.uk', keyword: DEFAULT_KEYWORD },
    // Thresholds: pre-send 0.5 (post-send 0.8, audit 0).
    linter: scriptedLinter(),
    state: new DraftState(redis, KEY_PREFIX),
    log: silent,
  };
}

async function saveDraft(config: MailboxConfig, body: string) {
  const id = randomUUID().slice(0, 8);
  const raw = [
    'From: daniel.okafor@ashcombe.gov.uk',
    'To: amir.patel@ashcombe.gov.uk',
    `Subject: Figures ${id}`,
    `Message-ID: <${id}@example.test>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\r\n');
  return withImap(dovecot, config.user, async (client) => {
    const appended = await client.append('Drafts', raw, ['\\Draft']);
    const status = await client.status('Drafts', { uidValidity: true });
    if (!appended || !appended.uid || !status) throw new Error('could not save the draft');
    return { mailbox: config.id, folder: 'Drafts', uidValidity: String(status.uidValidity), uid: appended.uid };
  });
}

/** The text parts of the messages in INBOX. */
async function inbox(config: MailboxConfig): Promise<string[]> {
  return withImap(dovecot, config.user, async (client) => {
    const lock = await client.getMailboxLock('INBOX');
    const sources: Buffer[] = [];
    try {
      if ((client.mailbox as { exists: number }).exists === 0) return [];
      for await (const m of client.fetch('1:*', { source: true })) if (m.source) sources.push(m.source);
    } finally {
      lock.release();
    }
    return Promise.all(sources.map(async (s) => (await simpleParser(s)).text ?? ''));
  });
}

describe.skipIf(!DOVECOT_BIN)('the IMAP nudge and its confidence threshold (real Dovecot, real Redis)', () => {
  beforeAll(async () => {
    dovecot = new Dovecot();
    await dovecot.start();
  }, 60_000);
  afterAll(async () => {
    await dovecot?.dispose();
    await deletePrefix(redis, KEY_PREFIX);
    redis.disconnect();
  });

  it('does not nudge about a finding below the pre-send threshold', async () => {
    const config = mailbox();
    const job = await saveDraft(config, 'Send me the figures tonight. [conf 0.49]');
    expect(await checkDraft(job, deps(config))).toMatchObject({ status: 'clean', findings: 0 });
    expect(await inbox(config)).toEqual([]);
  });

  it('nudges about one at the threshold, saying how sure Probity is, and leaves out the less sure', async () => {
    const config = mailbox();
    const job = await saveDraft(config, 'Send me the figures tonight. [conf 0.5] [conf 0.2]');
    expect(await checkDraft(job, deps(config))).toMatchObject({ status: 'nudged', findings: 1 });
    const [nudge, ...others] = await inbox(config);
    expect(others).toEqual([]);
    expect(nudge).toContain('One thing to look at');
    expect(nudge).toContain('Probity thinks it likely (50%)');
    expect(nudge).not.toContain('20%');
  });
});
