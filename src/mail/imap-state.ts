/**
 * What the IMAP watcher remembers, in Redis, and nothing else:
 *  - a cursor per mailbox folder: `{uidValidity, lastUid}`, so a restart resumes and a UIDVALIDITY change is seen;
 *  - per draft, the rule ids already nudged about, so each distinct draft gets one nudge per kind of problem
 *    however often it is autosaved, rescanned or redelivered. The draft is named by a hash (mailbox +
 *    Message-ID, or mailbox + content when there is none): no address, subject or text is stored.
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

  /**
   * Atomically claims the rules not yet nudged about under any of the draft's names, and returns them (empty:
   * nothing new to say). Claiming before the APPEND means two workers racing on one draft cannot both nudge.
   */
  async claimNudge(keys: readonly string[], rules: readonly string[]): Promise<string[]> {
    const unique = [...new Set(rules)].sort();
    if (unique.length === 0 || keys.length === 0) return [];
    const multi = this.redis.multi();
    for (const key of keys) {
      for (const rule of unique) multi.sadd(this.nudgedKey(key), rule);
      multi.expire(this.nudgedKey(key), this.nudgedTtlSeconds);
    }
    const replies = (await multi.exec()) ?? [];
    const stride = unique.length + 1;
    // Fresh only if no name had it: added (1) under every key.
    return unique.filter((_, i) => keys.every((_k, k) => replies[k * stride + i]?.[1] === 1));
  }

  /** Gives back a claim when the nudge could not be delivered, so the retried job can deliver it. */
  async releaseNudge(keys: readonly string[], rules: readonly string[]): Promise<void> {
    if (rules.length === 0) return;
    const multi = this.redis.multi();
    for (const key of keys) multi.srem(this.nudgedKey(key), ...rules);
    await multi.exec();
  }
}
