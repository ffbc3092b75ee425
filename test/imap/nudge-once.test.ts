/**
 * A nudge lands in INBOX exactly once even when the job delivering it dies part-way, against a real Dovecot and
 * the shared Redis. A SIGKILL is simulated where it matters by a DraftState that throws at that point (nothing
 * after it runs, as in a killed process: no release, no clean-up); the job then runs again under the same job id,
 * as BullMQ does once the killed worker's lock lapses. The SIGKILL itself, with real worker processes, is in
 * test/reliability/queue-sigkill.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLinter } from '../../src/lint/load.js';
import { mailboxConfig, type MailboxConfig } from '../../src/mail/imap-config.js';
import { checkDraft, DEFAULT_KEYWORD, type CheckDraftDeps } from '../../src/mail/imap-draft-processor.js';
import { DraftState, type NudgeClaim } from '../../src/mail/imap-state.js';
import type { Log } from '../../src/queue/log.js';
import { deletePrefix, sharedRedis } from '../briefings/redis-helpers.js';
import { DOVECOT_BIN, DOVECOT_PASSWORD, Dovecot, messageIdsIn, withImap } from './dovecot.js';

const KEY_PREFIX = `probity-test-nudge-once-${randomUUID().slice(0, 8)}:`;
const FLAGGED = 'Hi Amir, I want you to print 500 leaflets for our Labour campaign by Friday.';
const silent: Log = { debug() {}, info() {}, warn() {}, error() {} } as Log;
const redis = sharedRedis();
const linter = loadLinter();
let dovecot: Dovecot;

class Killed extends Error {}

/** Dies (throws, and nothing after runs) right after the claim, or right before the lease is dropped. */
class DyingState extends DraftState {
  constructor(private readonly dieAfter: 'claim' | 'append') {
    super(redis, KEY_PREFIX);
  }
  override async claimNudge(keys: readonly string[], rules: readonly string[], nudgeId: string, owner: string): Promise<NudgeClaim> {
    const claim = await super.claimNudge(keys, rules, nudgeId, owner);
    if (this.dieAfter === 'claim') throw new Killed('killed after the claim');
    return claim;
  }
  override async finishNudge(): Promise<void> {
    if (this.dieAfter === 'append') throw new Killed('killed after the APPEND');
  }
}

function mailbox(inboxPath = 'INBOX', user = `once${randomUUID().slice(0, 8)}`): MailboxConfig {
  return mailboxConfig({ id: user, host: '127.0.0.1', port: dovecot.port, secure: false, startTls: false, user, inboxPath, address: `${user}@example.test` }, DOVECOT_PASSWORD);
}

function deps(config: MailboxConfig, state: DraftState, owner: string, finalAttempt = false): CheckDraftDeps {
  return {
    imap: { mailboxes: new Map([[config.id, config]]), minSeverity: 'warning', nudgeFrom: 'probity@ashcombe.gov.uk', keyword: DEFAULT_KEYWORD },
    linter,
    state,
    log: silent,
    owner,
    finalAttempt,
  };
}

async function saveDraft(config: MailboxConfig) {
  const id = randomUUID().slice(0, 8);
  const raw = [
    'From: daniel.okafor@ashcombe.gov.uk',
    'To: amir.patel@ashcombe.gov.uk',
    `Subject: Leaflets ${id}`,
    `Message-ID: <${id}@example.test>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    FLAGGED,
    '',
  ].join('\r\n');
  return withImap(dovecot, config.user, async (client) => {
    const appended = await client.append('Drafts', raw, ['\\Draft']);
    const status = await client.status('Drafts', { uidValidity: true });
    if (!appended || !appended.uid || !status) throw new Error('could not save the draft');
    return { mailbox: config.id, folder: 'Drafts', uidValidity: String(status.uidValidity), uid: appended.uid };
  });
}

/** Message-IDs of the nudges in INBOX. */
const nudges = (config: MailboxConfig) => messageIdsIn(dovecot, config.user);

async function leases(): Promise<string[]> {
  return redis.keys(`${KEY_PREFIX}imap:pending:*`);
}

describe.skipIf(!DOVECOT_BIN)('one nudge per draft, whatever dies when (real Dovecot, real Redis)', () => {
  beforeAll(async () => {
    dovecot = new Dovecot();
    await dovecot.start();
  }, 60_000);
  afterAll(async () => {
    await dovecot?.dispose();
    await deletePrefix(redis, KEY_PREFIX);
    redis.disconnect();
  });

  it('a job killed after its claim, before the APPEND, still nudges when it runs again; another job does not nudge meanwhile', async () => {
    const config = mailbox();
    const job = await saveDraft(config);
    await expect(checkDraft(job, deps(config, new DyingState('claim'), 'job:1'))).rejects.toBeInstanceOf(Killed);
    expect(await nudges(config)).toEqual([]);
    expect(await leases()).toHaveLength(1);

    // A rescan's job for the same draft while the lease is held: the owner will deliver it; this one must not.
    expect((await checkDraft(job, deps(config, new DraftState(redis, KEY_PREFIX), 'job:2'))).status).toBe('already-nudged');
    expect(await nudges(config)).toEqual([]);

    // The killed job again (BullMQ hands it on with the same id): it finds its lease, looks in INBOX, appends.
    const again = await checkDraft(job, deps(config, new DraftState(redis, KEY_PREFIX), 'job:1'));
    expect(again.status).toBe('nudged');
    expect(await nudges(config)).toHaveLength(1);
    expect(await leases()).toEqual([]);
  }, 60_000);

  it('a job killed after the APPEND, before it recorded it, does not append again when it runs again', async () => {
    const config = mailbox();
    const job = await saveDraft(config);
    await expect(checkDraft(job, deps(config, new DyingState('append'), 'job:3'))).rejects.toBeInstanceOf(Killed);
    const [first] = await nudges(config);
    expect(first).toMatch(/^<nudge-[0-9a-f]{32}@/);
    expect(await leases()).toHaveLength(1);

    const again = await checkDraft(job, deps(config, new DraftState(redis, KEY_PREFIX), 'job:3'));
    expect(again.status).toBe('already-nudged');
    expect(await nudges(config)).toEqual([first]);
    expect(await leases()).toEqual([]);
    // And later saves of the same draft say nothing more.
    expect((await checkDraft(job, deps(config, new DraftState(redis, KEY_PREFIX), 'job:4'))).status).toBe('already-nudged');
    expect(await nudges(config)).toEqual([first]);
  }, 60_000);

  it('a failed APPEND keeps the claim for the retry, and gives it back on the last attempt', async () => {
    // INBOX path that does not exist: Dovecot refuses the APPEND ([TRYCREATE]).
    const broken = mailbox('Missing');
    const fixed = mailbox('INBOX', broken.user);
    const job = await saveDraft(broken);

    await expect(checkDraft(job, deps(broken, new DraftState(redis, KEY_PREFIX), 'job:5', false))).rejects.toThrow();
    expect(await leases()).toHaveLength(1);
    // The retry (same job id) resumes: not in INBOX, so it appends.
    expect((await checkDraft(job, deps(fixed, new DraftState(redis, KEY_PREFIX), 'job:5'))).status).toBe('nudged');
    expect(await nudges(fixed)).toHaveLength(1);

    const other = mailbox('Missing');
    const otherJob = await saveDraft(other);
    await expect(checkDraft(otherJob, deps(other, new DraftState(redis, KEY_PREFIX), 'job:6', true))).rejects.toThrow();
    // Last attempt: claim and lease given back, so the next save of the draft can nudge.
    expect(await leases()).toEqual([]);
    const otherFixed = mailbox('INBOX', other.user);
    expect((await checkDraft(otherJob, deps(otherFixed, new DraftState(redis, KEY_PREFIX), 'job:7'))).status).toBe('nudged');
    expect(await nudges(otherFixed)).toHaveLength(1);
  }, 60_000);
});
