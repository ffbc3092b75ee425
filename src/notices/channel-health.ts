/**
 * Which channels notices are going out on. Each notice worker says, at start and on every outbox sweep, which
 * channels it has set up (email with an SMTP relay, Slack with a bot token); each report lapses unless renewed.
 * The API reads them before an approval: a round cannot open while a party has no working channel, and the
 * office page says which party and why (src/briefings/reach.ts).
 */
import type { Redis } from 'ioredis';
import type { Channel } from '../briefings/types.js';

const CHANNELS: Channel[] = ['email', 'slack'];

/** How long a report stands without renewal: a worker that has stopped is noticed within this. */
export const CHANNEL_REPORT_TTL_MS = 60_000;

export class ChannelHealth {
  constructor(
    private readonly redis: Redis,
    private readonly ledgerPrefix: string,
  ) {}

  private key(channel: Channel): string {
    return `${this.ledgerPrefix}:channel:${channel}`;
  }

  /** A worker says it is sending on these channels (renew at least every `ttlMs`). */
  async report(channels: Channel[], worker: string, ttlMs = CHANNEL_REPORT_TTL_MS): Promise<void> {
    const at = new Date().toISOString();
    for (const channel of channels) await this.redis.set(this.key(channel), JSON.stringify({ worker, at }), 'PX', ttlMs);
  }

  /** The channels some worker has reported recently. */
  async working(): Promise<Channel[]> {
    const values = await this.redis.mget(...CHANNELS.map((c) => this.key(c)));
    return CHANNELS.filter((_, i) => values[i] !== null);
  }
}
