/**
 * Slack retries an event it thinks we missed (up to three times, `x-slack-retry-num`), and Bolt does not
 * deduplicate. The first delivery of an event id claims it with `SET NX EX`; later deliveries see the claim.
 */
import type { Redis } from 'ioredis';

/** Slack's retries come within minutes (immediately, ~1 min, ~5 min); an hour covers them with room to spare. */
export const EVENT_CLAIM_TTL_SECONDS = 60 * 60;

export interface EventDeduper {
  /** True for the first delivery of this event id. */
  claim(eventId: string): Promise<boolean>;
  /** Give the id back (the event could not be queued), so a redelivery is handled. */
  release(eventId: string): Promise<void>;
}

export function redisDeduper(redis: Redis, keyPrefix: string, ttlSeconds = EVENT_CLAIM_TTL_SECONDS): EventDeduper {
  const key = (eventId: string) => `${keyPrefix}slack:event:${eventId}`;
  return {
    async claim(eventId) {
      return (await redis.set(key(eventId), '1', 'EX', ttlSeconds, 'NX')) === 'OK';
    },
    async release(eventId) {
      await redis.del(key(eventId));
    },
  };
}
