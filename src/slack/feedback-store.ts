/**
 * What authors say about their warnings ("acknowledged, because…" / "false alarm"), kept for the Monitoring
 * Officer and for tuning the rules. A record holds the rule, severity and clause, who, where and when, and the
 * reason; never the message text.
 *
 * Stored as a Redis stream (append-only, ordered by time). These are audit events, so the council's `retention.events`
 * applies: every append trims entries older than the window, `trim()` does the same between appends (the Slack app
 * calls it periodically), and the key expires one window after its newest entry. All of it on Redis's clock, which
 * also stamps the entry ids, so a skewed app clock cannot shift what is kept; and `trim()` re-sets the expiry, so a
 * window made longer in council.yaml takes effect without waiting for a write.
 */
import type { Redis } from 'ioredis';
import type { FeedbackKind, FindingRef } from './blocks.js';

export interface FeedbackRecord {
  kind: FeedbackKind;
  findings: FindingRef[];
  /** Slack user id of the author giving the feedback. */
  user: string;
  channel: string;
  /** The warned message's ts (a reference, not its content). */
  ts: string;
  teamId?: string;
  reason?: string;
}

export interface StoredFeedback extends FeedbackRecord {
  id: string;
  at: string;
}

export interface FeedbackStore {
  record(entry: FeedbackRecord): Promise<string>;
  list(count?: number): Promise<StoredFeedback[]>;
  /** Remove records older than the retention period now, without waiting for the next write. Resolves to how many. */
  trim(): Promise<number>;
}

export interface FeedbackStoreOptions {
  keyPrefix: string;
  /** How long a record is kept: the council's `retention.events`, in milliseconds. */
  retentionMs: number;
  /** Clock for the `at` field shown to people (trimming and expiry use Redis's own clock). */
  now?: () => number;
}

export function redisFeedbackStore(redis: Redis, options: FeedbackStoreOptions): FeedbackStore {
  const key = `${options.keyPrefix}slack:feedback`;
  const { retentionMs } = options;
  if (!Number.isInteger(retentionMs) || retentionMs <= 0) throw new Error('feedback: retentionMs must be a positive whole number');
  const now = options.now ?? Date.now;
  return {
    async record(entry) {
      const at = now();
      const fields = [
        'kind',
        entry.kind,
        'findings',
        JSON.stringify(entry.findings),
        'user',
        entry.user,
        'channel',
        entry.channel,
        'ts',
        entry.ts,
        'at',
        new Date(at).toISOString(),
        ...(entry.teamId ? ['teamId', entry.teamId] : []),
        ...(entry.reason ? ['reason', entry.reason] : []),
      ];
      const added = await redis.eval(RECORD_SCRIPT, 1, key, String(retentionMs), ...fields);
      if (typeof added !== 'string') throw new Error('feedback: XADD failed');
      return added;
    },
    async trim() {
      return Number(await redis.eval(TRIM_SCRIPT, 1, key, String(retentionMs)));
    },
    async list(count = 100) {
      const entries = await redis.xrevrange(key, '+', '-', 'COUNT', count);
      return entries.map(([id, flat]) => {
        const f: Record<string, string> = {};
        for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
        return {
          id,
          kind: f.kind as FeedbackKind,
          findings: JSON.parse(f.findings ?? '[]') as FindingRef[],
          user: f.user ?? '',
          channel: f.channel ?? '',
          ts: f.ts ?? '',
          at: f.at ?? '',
          ...(f.teamId ? { teamId: f.teamId } : {}),
          ...(f.reason ? { reason: f.reason } : {}),
        };
      });
    },
  };
}

/**
 * KEYS: the stream; ARGV: retention ms, then the fields. Trims exactly, not with `~`: an approximate trim only drops
 * whole stream nodes (100 entries), so at a council's volume an old record could sit behind newer ones for years.
 */
const RECORD_SCRIPT = `
local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('XTRIM', KEYS[1], 'MINID', string.format('%.0f', now - tonumber(ARGV[1])))
redis.call('PEXPIREAT', KEYS[1], string.format('%.0f', now + tonumber(ARGV[1])))
return id
`;

/** KEYS: the stream; ARGV: retention ms. Returns how many entries went. */
const TRIM_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local removed = redis.call('XTRIM', KEYS[1], 'MINID', string.format('%.0f', now - tonumber(ARGV[1])))
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #newest > 0 then
  local ms = tonumber(string.match(newest[1][1], '^(%d+)'))
  redis.call('PEXPIREAT', KEYS[1], string.format('%.0f', ms + tonumber(ARGV[1])))
end
return removed
`;
