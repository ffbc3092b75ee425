/**
 * What the IMAP watcher remembers, in Redis, and nothing else:
 *  - a cursor per mailbox folder: `{uidValidity, lastUid}`, so a restart resumes and a UIDVALIDITY change is seen;
 *  - per draft, the rule ids already nudged about, so each distinct draft gets one nudge per kind of problem
 *    however often it is autosaved, rescanned or redelivered. The draft is named by a hash (mailbox +
 *    Message-ID, or mailbox + content when there is none): no address, subject or text is stored;
 *  - per nudge being delivered, a lease (the job id that claimed it and which rules), so a job killed between
 *    claiming and appending finishes the nudge when it runs again, looking in INBOX first. Dropped once delivered.
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
export function draftKeys(mailboxId: string, messageId: string | undefined, message: Pick<Message, 'from' | 'to' | 'cc' | 'bcc' | 'subject' | 'text'>): string[] {
  const content = sha256('content', mailboxId, message.from, message.to.join(','), message.cc.join(','), message.bcc.join(','), message.subject ?? '', message.text);
  const id = messageId?.trim();
  return id ? [sha256('message-id', mailboxId, id.toLowerCase()), content] : [content];
}

export interface DraftStateOptions {
  /** How long a nudged set lives: the council's `retention.findings` (default NUDGED_TTL_SECONDS). */
  nudgedTtlSeconds?: number;
}

export class DraftState {
  private readonly nudgedTtlSeconds: number;

  constructor(
    private readonly redis: Redis,
    /** Prepended to every key, e.g. `probity:`; tests use a unique one per run. */
    private readonly keyPrefix: string,
    options: DraftStateOptions = {},
  ) {
    this.nudgedTtlSeconds = options.nudgedTtlSeconds ?? NUDGED_TTL_SECONDS;
    if (!Number.isInteger(this.nudgedTtlSeconds) || this.nudgedTtlSeconds <= 0) throw new Error('DraftState: nudgedTtlSeconds must be a positive whole number');
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
   * Claims the rules not yet nudged about under any of the draft's names, atomically, and says what to do:
   *  - `deliver`: these rules are new; a lease on this nudge (its Message-ID) is taken for `owner` (the job id).
   *  - `resume`: nothing new, but `owner` holds the lease: an earlier run of this same job claimed the rules and
   *    stopped (killed) before it finished, so the nudge may or may not be in INBOX. Look before appending.
   *  - `done`: nothing new to say, or another job holds the lease and is delivering this very nudge.
   * Claiming before the APPEND means two jobs racing on one draft cannot both nudge; the lease means a job killed
   * between claim and APPEND does not lose the nudge.
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
      String(this.nudgedTtlSeconds),
      String(Math.min(PENDING_TTL_SECONDS, this.nudgedTtlSeconds)),
      ...unique,
    )) as string[];
    const [kind, ...claimed] = reply;
    if (kind === 'deliver') return { kind, rules: claimed };
    if (kind === 'resume') return { kind, rules: (claimed[0] ?? '').split(',').filter(Boolean) };
    return { kind: 'done' };
  }

  /** The nudge is in INBOX: drop the lease (only if `owner` still holds it). */
  async finishNudge(nudgeId: string, owner: string): Promise<void> {
    await this.redis.eval(FINISH_SCRIPT, 1, this.pendingKey(nudgeId), owner);
  }

  /** Gives back a claim when the nudge could not be delivered, so the retried job can deliver it. */
  async releaseNudge(keys: readonly string[], rules: readonly string[], nudgeId: string, owner: string): Promise<void> {
    const multi = this.redis.multi();
    if (rules.length > 0) for (const key of keys) multi.srem(this.nudgedKey(key), ...rules);
    multi.eval(FINISH_SCRIPT, 1, this.pendingKey(nudgeId), owner);
    await multi.exec();
  }
}

export type NudgeClaim = { kind: 'deliver' | 'resume'; rules: string[] } | { kind: 'done' };

/**
 * How long a nudge's lease outlives a job that took it and vanished. Well past BullMQ's stalled-job check (a
 * killed worker's job runs again within about a minute) and the job's retries with backoff (under 2 minutes).
 */
export const PENDING_TTL_SECONDS = 60 * 60;

/** KEYS: lease, nudged sets…; ARGV: owner, nudged TTL, lease TTL, rules… (see `claimNudge`). */
const CLAIM_SCRIPT = `
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner and owner ~= ARGV[1] then return {'done'} end
local fresh = {}
for i = 4, #ARGV do
  local new = true
  for k = 2, #KEYS do
    if redis.call('SADD', KEYS[k], ARGV[i]) == 0 then new = false end
  end
  if new then fresh[#fresh + 1] = ARGV[i] end
end
for k = 2, #KEYS do redis.call('EXPIRE', KEYS[k], ARGV[2]) end
if #fresh > 0 then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'rules', table.concat(fresh, ','))
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  table.insert(fresh, 1, 'deliver')
  return fresh
end
if owner then return {'resume', redis.call('HGET', KEYS[1], 'rules') or ''} end
return {'done'}
`;

const FINISH_SCRIPT = `
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
