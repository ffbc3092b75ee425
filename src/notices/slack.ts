/**
 * Slack DMs with @slack/web-api's WebClient (re-exported by Bolt): `conversations.open` for the member, then
 * `chat.postMessage`. One notice may go to several contacts; each contact gets its own sent-marker so a retry
 * after a partial send only sends to those not yet reached. Retries are the queue's (WebClient's own are off);
 * a 429 becomes a RateLimited error carrying Slack's Retry-After. Bolt is loaded only when Slack is configured
 * (it is a heavy import for a worker that may only send email).
 */
import type { webApi as WebApi } from '@slack/bolt';
import { ACTION, BLOCK } from '../slack/ids.js';
import type { NoticeContext, Recipient } from './context.js';
import { eachRecipient, PermanentDeliveryError, UndeliverableError, type Markers } from './email.js';
import type { RenderedNotice } from './render.js';
import { BUTTONS } from './templates.js';

export type { Markers };

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
const PERMANENT = new Set([
  'user_not_found',
  'users_not_found',
  'account_inactive',
  'invalid_auth',
  'not_authed',
  'user_disabled',
  'cannot_dm_bot',
  'channel_not_found',
]);

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

  /** DM every contact with a Slack id, each their own copy; returns the message timestamps joined by spaces. */
  async send(ctx: NoticeContext, render: (recipient: Recipient) => RenderedNotice, markers: Markers): Promise<string> {
    const contacts = ctx.recipients.filter((r) => r.slack);
    if (contacts.length === 0) throw new UndeliverableError('no recipient has a Slack id');
    return eachRecipient(
      ctx.notice.id,
      contacts,
      markers,
      async (contact) => {
        try {
          const rendered = render(contact);
          const opened = await this.client.conversations.open({ users: contact.slack! });
          const channel = opened.channel?.id;
          if (!channel) throw new Error('slack: conversations.open returned no channel');
          const posted = await this.client.chat.postMessage({
            channel,
            text: rendered.slack,
            ...(rendered.link ? { blocks: answerBlocks(rendered, ctx.notice.kind === 'invitation') } : {}),
            unfurl_links: false,
          });
          return posted.ts ?? 'sent';
        } catch (err) {
          throw slackError(err, this.api);
        }
      },
      // A rate limit stops the round of contacts at once: the queue waits out Retry-After and tries the rest.
      (err) => {
        if (err instanceof SlackRateLimited) throw err;
        return err instanceof PermanentDeliveryError;
      },
    );
  }
}

/**
 * The DM's blocks: the notice, and Accept / Decline buttons whose value is the person's answer-link token (the
 * Bolt app checks it and that the clicking user is the person it was made for), and a link button to the answer
 * page for suggesting times or giving a reason.
 */
export function answerBlocks(rendered: RenderedNotice, invitation: boolean): unknown[] {
  const link = rendered.link!;
  const token = link.slice(link.lastIndexOf('/') + 1);
  return [
    { type: 'section', text: { type: 'mrkdwn', text: rendered.slack } },
    {
      type: 'actions',
      block_id: BLOCK.briefingAnswer,
      elements: [
        { type: 'button', action_id: ACTION.briefingAccept, style: 'primary', text: { type: 'plain_text', text: BUTTONS.accept }, value: token },
        { type: 'button', action_id: ACTION.briefingDecline, text: { type: 'plain_text', text: BUTTONS.decline }, value: token },
        {
          type: 'button',
          action_id: ACTION.briefingOpen,
          text: { type: 'plain_text', text: invitation ? BUTTONS.open : BUTTONS.propose },
          url: link,
          value: token,
        },
      ],
    },
  ];
}

function slackError(err: unknown, webApi: typeof WebApi): Error {
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string } };
  if (e.code === webApi.ErrorCode.RateLimitedError) return new SlackRateLimited((e.retryAfter ?? 1) * 1000);
  const api = e.data?.error;
  if (api && PERMANENT.has(api)) return new PermanentDeliveryError(`slack: ${api}`);
  if (err instanceof PermanentDeliveryError || err instanceof SlackRateLimited) return err;
  return new Error(api ? `slack: ${api}` : `slack: ${e.code ?? 'request failed'}`);
}
