/**
 * Slack DMs with @slack/web-api's WebClient (re-exported by Bolt): `conversations.open` for the member, then
 * `chat.postMessage`. One notice may go to several contacts; each contact gets its own sent-marker so a retry
 * after a partial send only sends to those not yet reached. Retries are the queue's (WebClient's own are off);
 * a 429 becomes a RateLimited error carrying Slack's Retry-After. Bolt is loaded only when Slack is configured
 * (it is a heavy import for a worker that may only send email).
 */
import type { webApi as WebApi } from '@slack/bolt';
import type { NoticeContext } from './context.js';
import { PermanentDeliveryError } from './email.js';
import type { RenderedNotice } from './render.js';

export interface SlackOptions {
  token: string;
  /** Slack's API base, e.g. `http://127.0.0.1:PORT/api/` for a loopback stub in tests. */
  slackApiUrl?: string;
}

export class SlackRateLimited extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`slack rate limited for ${retryAfterMs} ms`);
    this.name = 'SlackRateLimited';
  }
}

/** Slack errors that retrying cannot fix. */
const PERMANENT = new Set(['user_not_found', 'users_not_found', 'account_inactive', 'invalid_auth', 'not_authed', 'user_disabled', 'cannot_dm_bot', 'channel_not_found']);

export interface Markers {
  sentMarker(id: string): Promise<string | undefined>;
  markSent(id: string, marker: string): Promise<boolean>;
}

export class SlackSender {
  private constructor(
    private readonly client: InstanceType<typeof WebApi.WebClient>,
    private readonly api: typeof WebApi,
  ) {}

  static async create(options: SlackOptions): Promise<SlackSender> {
    const { webApi } = await import('@slack/bolt');
    const client = new webApi.WebClient(options.token, {
      ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    return new SlackSender(client, webApi);
  }

  /** DM every contact with a Slack id; returns the message timestamps joined by spaces. */
  async send(ctx: NoticeContext, rendered: RenderedNotice, markers: Markers): Promise<string> {
    const contacts = ctx.recipients.filter((r) => r.slack);
    if (contacts.length === 0) throw new PermanentDeliveryError('no recipient has a Slack id');
    const stamps: string[] = [];
    for (const contact of contacts) {
      const markerId = `${ctx.notice.id}-${contact.id}`;
      const already = await markers.sentMarker(markerId);
      if (already) {
        stamps.push(already);
        continue;
      }
      try {
        const opened = await this.client.conversations.open({ users: contact.slack! });
        const channel = opened.channel?.id;
        if (!channel) throw new Error('slack: conversations.open returned no channel');
        const posted = await this.client.chat.postMessage({ channel, text: rendered.slack, unfurl_links: false });
        const ts = posted.ts ?? 'sent';
        await markers.markSent(markerId, ts);
        stamps.push(ts);
      } catch (err) {
        throw slackError(err, this.api);
      }
    }
    return stamps.join(' ');
  }
}

function slackError(err: unknown, webApi: typeof WebApi): Error {
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string } };
  if (e.code === webApi.ErrorCode.RateLimitedError) return new SlackRateLimited((e.retryAfter ?? 1) * 1000);
  const api = e.data?.error;
  if (api && PERMANENT.has(api)) return new PermanentDeliveryError(`slack: ${api}`);
  if (err instanceof PermanentDeliveryError || err instanceof SlackRateLimited) return err;
  return new Error(api ? `slack: ${api}` : `slack: ${e.code ?? 'request failed'}`);
}
