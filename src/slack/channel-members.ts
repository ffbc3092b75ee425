/**
 * Who is in a channel, from Slack's `conversations.members`, cached in Redis so the lint workers and the Slack
 * app share one copy. The Slack app drops a channel's copy when someone joins or leaves (member_joined_channel,
 * member_left_channel); the TTL is the backstop for an event that never came.
 *
 * A lookup that raced with a join or leave must not put the old list back: each drop bumps the channel's epoch,
 * and a fetched list is stored only if the epoch is still the one read before fetching.
 *
 * Stored: Slack user ids only, never names or text.
 */
import type { Redis } from 'ioredis';
import type { SlackClient } from './web-client.js';

/** Joins and leaves refresh the list at once; an hour bounds how stale it can get if Slack drops those events. */
export const CHANNEL_MEMBERS_TTL_SECONDS = 60 * 60;
/**
 * Members read per channel (pages of 1,000). A workspace-wide channel larger than this is read only this far: a
 * name used there is still found in the directory, and "the channel" as an audience is capped far lower anyway.
 */
export const MAX_CHANNEL_MEMBERS = 5_000;
const PAGE_SIZE = 1_000;

export interface ChannelMemberCache {
  /** The channel's members: from the cache, else from `fetch` (then cached unless a join or leave raced it). */
  lookup(channel: string, fetch: () => Promise<string[]>): Promise<string[]>;
  /** Someone joined or left: the next lookup fetches afresh. */
  invalidate(channel: string): Promise<void>;
}

/** Store only if nobody has dropped the channel's copy since the fetch began (KEYS: list, epoch; ARGV: epoch, value, ttl). */
const STORE_IF_UNCHANGED = `
local epoch = redis.call('GET', KEYS[2]) or '0'
if epoch ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
return 1
`;

export function redisChannelMembers(redis: Redis, keyPrefix: string, ttlSeconds = CHANNEL_MEMBERS_TTL_SECONDS): ChannelMemberCache {
  const listKey = (channel: string) => `${keyPrefix}slack:members:${channel}`;
  const epochKey = (channel: string) => `${keyPrefix}slack:members-epoch:${channel}`;
  return {
    async lookup(channel, fetch) {
      const [cached, epoch] = await redis.mget(listKey(channel), epochKey(channel));
      if (cached) {
        const parsed = parseCached(cached);
        if (parsed) return parsed;
      }
      const fresh = await fetch();
      await redis.eval(STORE_IF_UNCHANGED, 2, listKey(channel), epochKey(channel), epoch ?? '0', JSON.stringify(fresh), ttlSeconds);
      return fresh;
    },
    async invalidate(channel) {
      await redis
        .multi()
        .incr(epochKey(channel))
        // The epoch only has to outlive a lookup in flight; keeping it as long as a list keeps the keyspace tidy.
        .expire(epochKey(channel), ttlSeconds)
        .del(listKey(channel))
        .exec();
    },
  };
}

function parseCached(text: string): string[] | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) && value.every((m) => typeof m === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `conversations.members`, page by page, up to `max`. Slack's errors are the caller's to handle. */
export async function fetchChannelMembers(client: SlackClient, channel: string, max = MAX_CHANNEL_MEMBERS): Promise<string[]> {
  const members: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.conversations.members({ channel, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    members.push(...(page.members ?? []));
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor && members.length < max);
  return members.slice(0, max);
}
