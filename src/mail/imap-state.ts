/**
 * What the IMAP watcher remembers, in Redis, and nothing else:
 *  - a cursor per mailbox folder: `{uidValidity, lastUid}`, so a restart resumes and a UIDVALIDITY change is seen;
 *  - per draft, the rule ids already nudged about, so each distinct draft gets one nudge per kind of problem
 *    however often it is autosaved, rescanned or redelivered. The draft is named by a hash (mailbox +
 *    Message-ID, or mailbox + content when there is none): no address, subject or text is stored;
 *  - per nudge being delivered, a lease (the job id that took it, and when), so two jobs do not append the same
 *    nudge at once, and a job that died holding it is taken over. Dropped once delivered; an hour at most.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Message } from '../lint/types.js';

export interface FolderCursor {
  /** UIDVALIDITY as a decimal string (it is a 32-bit unsigned value; imapflow gives a bigint). */
  uidValidity: string;
  /** Highest UID already handed to the lint queue. */
  lastUid: number;
}

/** A nudge is remembered this long: past it, a draft left untouched for three months could be nudged again. */
export const NUDGED_TTL_SECONDS = 90 * 24 * 3600;

function sha256(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}

/**
 * Names one draft across its autosaved copies. Two names, both hashes: the Message-ID, which most clients keep
 * across a save-new-copy-delete-old (the UID does not survive it); and the content, for clients that mint a new
 * Message-ID on every save. A draft counts as already nudged about a rule if either name has it.
 */
export function draftKeys(
  mailboxId: string,
  messageId: string | undefined,
  message: Pick<Message, 'from' | 'to' | 'cc' | 'bcc' | 'subject' | 'text'>,
): string[] {
  const content = sha256(
    'content',
    mailboxId,
    message.from,
    message.to.join(','),
    message.cc.join(','),
    message.bcc.join(','),
    message.subject ?? '',
    message.text,
  );
  const id = messageId?.trim();
  return id ? [sha256('message-id', mailboxId, id.toLowerCase()), content] : [content];
}

export interface DraftStateOptions {
  /** How long a nudged set lives: the council's `retention.findings` (default NUDGED_TTL_SECONDS). */
  nudgedTtlSeconds?: number;
  /** See LEASE_BUSY_MS; tests shorten it. */
  leaseBusyMs?: number;
}

export class DraftState {
  private readonly nudgedTtlSeconds: number;
  private readonly leaseBusyMs: number;

  constructor(
    private readonly redis: Redis,
    /** Prepended to every key, e.g. `probity:`; tests use a unique one per run. */
    private readonly keyPrefix: string,
    options: DraftStateOptions = {},
  ) {
    this.nudgedTtlSeconds = options.nudgedTtlSeconds ?? NUDGED_TTL_SECONDS;
    if (!Number.isInteger(this.nudgedTtlSeconds) || this.nudgedTtlSeconds <= 0) throw new Error('DraftState: nudgedTtlSeconds must be a positive whole number');
    this.leaseBusyMs = options.leaseBusyMs ?? LEASE_BUSY_MS;
  }

  private cursorKey(mailboxId: string, folder: string): string {
    return `${this.keyPrefix}imap:cursor:${mailboxId}:${sha256(folder).slice(0, 16)}`;
  }

  private nudgedKey(draft: string): string {
    return `${this.keyPrefix}imap:nudged:${draft}`;
  }

  async getCursor(mailboxId: string, folder: string): Promise<FolderCursor | null> {
    const fields = await this.redis.hgetall(this.cursorKey(mailboxId, folder));
    if (!fields.uidValidity || fields.lastUid === undefined) return null;
    const lastUid = Number(fields.lastUid);
    return Number.isInteger(lastUid) && lastUid >= 0 ? { uidValidity: fields.uidValidity, lastUid } : null;
  }

  async setCursor(mailboxId: string, folder: string, cursor: FolderCursor): Promise<void> {
    await this.redis.hset(this.cursorKey(mailboxId, folder), { uidValidity: cursor.uidValidity, lastUid: String(cursor.lastUid) });
  }

  private pendingKey(nudgeId: string): string {
    return `${this.keyPrefix}imap:pending:${sha256(nudgeId).slice(0, 40)}`;
  }

  /**
   * Whether to deliver a nudge about `rules` for the draft known by `keys`, as `owner` (the job id), atomically:
   *  - `deliver`: these rules have not been nudged about under any of the draft's names. A lease on this nudge
   *    (its fixed Message-ID) is taken for `owner`. The caller looks for the Message-ID in INBOX (an earlier run,
   *    killed or failed after its APPEND, may have put it there) and appends if absent, then `finishNudge`.
   *  - `busy`: another job took the lease less than `leaseBusyMs` ago and may be appending right now; try later.
   *    An older lease is taken over: its job died or failed, and the search in INBOX covers what it did.
   *  - `done`: nothing new to say.
   * The rules are recorded as nudged only by `finishNudge`, so a job that never finishes (killed, failed for good)
   * loses nothing: its lease lapses and the next check of the draft delivers.
   */
  async claimNudge(keys: readonly string[], rules: readonly string[], nudgeId: string, owner: string): Promise<NudgeClaim> {
    const unique = [...new Set(rules)].sort();
    if (unique.length === 0 || keys.length === 0) return { kind: 'done' };
    const reply = (await this.redis.eval(
      CLAIM_SCRIPT,
      keys.length + 1,
      this.pendingKey(nudgeId),
      ...keys.map((k) => this.nudgedKey(k)),
      owner,
      String(this.leaseBusyMs),
      String(Math.min(PENDING_TTL_SECONDS, this.nudgedTtlSeconds)),
      ...unique,
    )) as string[];
    const [kind, lease, ...fresh] = reply;
    if (kind === 'deliver') return { kind, lease: lease as NudgeLease, rules: fresh };
    if (kind === 'busy') return { kind };
    return { kind: 'done' };
  }

  /**
   * The nudge is in INBOX: record its rules as nudged under every name of the draft (for `retention.findings` from
   * now) and drop the lease if `owner` still holds it.
   */
  async finishNudge(keys: readonly string[], rules: readonly string[], nudgeId: string, owner: string): Promise<void> {
    if (rules.length === 0) return;
    await this.redis.eval(
      FINISH_SCRIPT,
      keys.length + 1,
      this.pendingKey(nudgeId),
      ...keys.map((k) => this.nudgedKey(k)),
      owner,
      String(this.nudgedTtlSeconds),
      ...rules,
    );
  }
}

/** How the lease was had: taken fresh, already this job's (an earlier run of it stopped after claiming), or taken over. */
export type NudgeLease = 'new' | 'own' | 'taken';

export type NudgeClaim = { kind: 'deliver'; lease: NudgeLease; rules: string[] } | { kind: 'busy' } | { kind: 'done' };

/**
 * How long a lease outlives a job that took it and vanished. Well past BullMQ's stalled-job check (a killed
 * worker's job runs again within about a minute) and the job's retries with backoff (under 2 minutes); after it
 * the next check of the draft delivers (after looking in INBOX) as if nothing had been claimed.
 */
export const PENDING_TTL_SECONDS = 60 * 60;

/**
 * A lease younger than this belongs to a job that may be appending right now; older, its job has died or is
 * waiting to retry, and another job may take it over. Longer than one run of a job (connect and greeting time
 * out at 15 s each), shorter than an IMAP draft job's retries with backoff.
 */
export const LEASE_BUSY_MS = 30_000;

/** KEYS: lease, nudged sets…; ARGV: owner, busy ms, lease TTL s, rules… (see `claimNudge`). */
const CLAIM_SCRIPT = `
local fresh = {}
for i = 4, #ARGV do
  local seen = false
  for k = 2, #KEYS do
    if redis.call('SISMEMBER', KEYS[k], ARGV[i]) == 1 then seen = true end
  end
  if not seen then fresh[#fresh + 1] = ARGV[i] end
end
if #fresh == 0 then return {'done'} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local owner = redis.call('HGET', KEYS[1], 'owner')
local at = tonumber(redis.call('HGET', KEYS[1], 'at') or '0')
if owner and owner ~= ARGV[1] and now - at < tonumber(ARGV[2]) then return {'busy'} end
local lease = 'new'
if owner == ARGV[1] then lease = 'own' elseif owner then lease = 'taken' end
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], ARGV[3])
table.insert(fresh, 1, lease)
table.insert(fresh, 1, 'deliver')
return fresh
`;

/** KEYS: lease, nudged sets…; ARGV: owner, nudged TTL s, rules… (see `finishNudge`). */
const FINISH_SCRIPT = `
for k = 2, #KEYS do
  for i = 3, #ARGV do redis.call('SADD', KEYS[k], ARGV[i]) end
  redis.call('EXPIRE', KEYS[k], ARGV[2])
end
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`;
