/**
 * The lint workers' side of "who is this Slack message to": the channel's members (cached, see channel-members.ts)
 * and the names in the text, through `addressees`. When the members cannot be read the check still runs, on the
 * names and @mentions alone; only a rate limit goes back to the queue (it pauses and retries).
 */
import { webApi } from '@slack/bolt';
import type { Council } from '../directory/council.js';
import type { ProcessorContext } from '../queue/processor.js';
import { addressees } from './addressees.js';
import { fetchChannelMembers, redisChannelMembers } from './channel-members.js';
import { slackErrorCode, type SlackClient } from './web-client.js';

export interface AudienceRequest {
  /** Where the message is (or is about to be) posted; undefined for a draft with no conversation. */
  channel: string | undefined;
  author: string;
  text: string;
  /** The @mentions (or the people picked in the draft modal). */
  mentions: readonly string[];
}

/** Slack's DM ids start with D; there the app is the other party and the @mentions are the addressees. */
export function isDirectMessage(channel: string): boolean {
  return channel.startsWith('D');
}

export async function audienceOf(
  request: AudienceRequest,
  deps: { client: SlackClient; council: Council; context: Pick<ProcessorContext, 'redis' | 'keyPrefix' | 'log'> },
): Promise<string[]> {
  const { channel } = request;
  const base = { text: request.text, author: request.author, mentions: request.mentions, council: deps.council };
  if (!channel || isDirectMessage(channel)) return addressees({ ...base, direct: true });
  let members: string[] | undefined;
  try {
    const cache = redisChannelMembers(deps.context.redis, deps.context.keyPrefix);
    members = await cache.lookup(channel, () => fetchChannelMembers(deps.client, channel));
  } catch (error) {
    if (error instanceof webApi.WebAPIRateLimitedError) throw error;
    deps.context.log.warn({ channel, slackError: slackErrorCode(error) ?? 'request' }, 'channel members unavailable; checking by names and mentions');
  }
  return addressees({ ...base, direct: false, ...(members ? { members } : {}) });
}
