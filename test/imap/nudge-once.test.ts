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
import type { MailboxConfig } from '../../src/mail/imap-config.js';
import { checkDraft, DEFAULT_KEYWORD, NudgeBusyError, type CheckDraftDeps } from '../../src/mail/imap-draft-processor.js';
import { DraftState, type NudgeClaim } from '../../src/mail/imap-state.js';
import type { Log } from '../../src/queue/log.js';
import { deletePrefix, sharedRedis } from '../briefings/redis-helpers.js';
import { DOVECOT_BIN, Dovecot, dovecotMailbox, messageIdsIn, withImap } from './dovecot.js';

const KEY_PREFIX = `probity-test-nudge-once-${randomUUID().slice(0, 8)}:`;
const FLAGGED = 'Hi Amir, I want you to print 500 leaflets for our Labour campaign by Friday.';
const silent: Log = { debug() {}, info() {}, warn() {}, error() {} } as Log;
const redis = sharedRedis();
const linter = loadLinter();
let dovecot: Dovecot;

class Killed extends Error {}

/** Dies (throws, and nothing after runs) right after the claim, or right after the APPEND, before recording it. */
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

const state = (leaseBusyMs?: number) => new DraftState(redis, KEY_PREFIX, leaseBusyMs === undefined ? {} : { leaseBusyMs });

function mailbox(inboxPath = 'INBOX', user = `once${randomUUID().slice(0, 8)}`): MailboxConfig {
  return dovecotMailbox(dovecot, user, { inboxPath });
}

function deps(config: MailboxConfig, state: DraftState, owner: string): CheckDraftDeps {
  return {
    imap: { mailboxes: new Map([[config.id, config]]), minSeverity: 'warning', nudgeFrom: 'probity@ashcombe.gov.uk', keyword: DEFAULT_KEYWORD },
    linter,
    state,
    log: silent,
    owner,
  };
}

/** Saves a draft; with `replaces`, as an autosave does: a new copy of that draft (same Message-ID), the old one deleted. */
async function saveDraft(config: MailboxConfig, replaces?: { uid: number; draftId: string }) {
  const id = replaces?.draftId ?? randomUUID().slice(0, 8);
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
    if (replaces) {
      const lock = await client.getMailboxLock('Drafts');
      try {
        await client.messageDelete(String(replaces.uid), { uid: true });
      } finally {
        lock.release();
      }
    }
    return { mailbox: config.id, folder: 'Drafts', uidValidity: String(status.uidValidity), uid: appended.uid, draftId: id };
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

  it('a job killed after its claim, before the APPEND, nudges when it runs again; another job meanwhile waits its turn', async () => {
    const config = mailbox();
    const job = await saveDraft(config);
    await expect(checkDraft(job, deps(config, new DyingState('claim'), 'job:1'))).rejects.toBeInstanceOf(Killed);
    expect(await nudges(config)).toEqual([]);
    expect(await leases()).toHaveLength(1);

    // A rescan's job for the same draft while the lease is young: it may be being appended right now, so retry later.
    await expect(checkDraft(job, deps(config, state(), 'job:2'))).rejects.toBeInstanceOf(NudgeBusyError);
    expect(await nudges(config)).toEqual([]);

    // The killed job again (BullMQ hands it on with the same id): not in INBOX, so it appends.
    expect(await checkDraft(job, deps(config, state(), 'job:1'))).toMatchObject({ status: 'nudged', lease: 'own' });
    expect(await nudges(config)).toHaveLength(1);
    expect(await leases()).toEqual([]);
    // Recorded: later checks say nothing more.
    expect((await checkDraft(job, deps(config, state(), 'job:2'))).status).toBe('already-nudged');
    expect(await nudges(config)).toHaveLength(1);
  }, 60_000);

  it('a job killed after the APPEND, before it recorded it, finds the nudge in INBOX and does not append again', async () => {
    const config = mailbox();
    const job = await saveDraft(config);
    await expect(checkDraft(job, deps(config, new DyingState('append'), 'job:3'))).rejects.toBeInstanceOf(Killed);
    const [first] = await nudges(config);
    expect(first).toMatch(/^<nudge-[0-9a-f]{32}@/);
    expect(await leases()).toHaveLength(1);

    expect(await checkDraft(job, deps(config, state(), 'job:3'))).toMatchObject({ status: 'already-nudged', lease: 'own' });
    expect(await nudges(config)).toEqual([first]);
    expect(await leases()).toEqual([]);
    expect((await checkDraft(job, deps(config, state(), 'job:4'))).status).toBe('already-nudged');
    expect(await nudges(config)).toEqual([first]);
  }, 60_000);

  it('a job that fails and never comes back: the next save of the draft takes its lease over and nudges once', async () => {
    // INBOX path that does not exist: Dovecot refuses the APPEND ([TRYCREATE]), as a server having a bad moment.
    const broken = mailbox('Missing');
    const fixed = mailbox('INBOX', broken.user);
    const job = await saveDraft(broken);
    await expect(checkDraft(job, deps(broken, state(), 'job:5'))).rejects.toThrow();
    expect(await leases()).toHaveLength(1);

    // The client autosaves: a new copy (new UID, same Message-ID), the old one deleted. Its job runs…
    const copy = await saveDraft(fixed, job);
    // …while job:5's lease is young: it waits its turn;
    await expect(checkDraft(copy, deps(fixed, state(), 'job:6'))).rejects.toBeInstanceOf(NudgeBusyError);
    // once the lease is older than a run can take (LEASE_BUSY_MS, shortened here), it takes it over and nudges.
    expect(await checkDraft(copy, deps(fixed, state(0), 'job:6'))).toMatchObject({ status: 'nudged', lease: 'taken' });
    expect(await nudges(fixed)).toHaveLength(1);
    expect(await leases()).toEqual([]);
    // job:5's retry finds its draft gone (replaced by the copy); nothing more is sent.
    expect((await checkDraft(job, deps(fixed, state(), 'job:5'))).status).toBe('gone');
    expect(await nudges(fixed)).toHaveLength(1);
  }, 60_000);
});
