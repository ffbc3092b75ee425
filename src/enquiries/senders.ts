/**
 * The two ways a reminder goes out. Email over SMTP (nodemailer) with a fixed Message-ID made from the notice's key,
 * so a send retried after a crash between the server's "250 OK" and the sent-marker is recognisably the same
 * message; a 5xx is permanent, anything else is retried by the queue. Slack DMs with the Web API (Bolt's
 * WebClient), loaded only when Slack is configured.
 */
import type { Transporter } from 'nodemailer';
import { smtpFailure, smtpTransport, type SmtpOptions } from '../notices/email.js';
import type { RenderedNotice } from './notices.js';
import { PermanentSendError, type Sender } from './queue.js';

/** The briefing notices' SMTP settings (one transport setup, src/notices/email.ts), and the Message-IDs' domain. */
export interface SmtpSettings extends SmtpOptions {
  /** The domain of Message-IDs (the council's). */
  domain: string;
}

export class EmailNoticeSender implements Sender {
  readonly channel = 'email' as const;
  private readonly transport: Transporter;

  constructor(private readonly options: SmtpSettings) {
    this.transport = smtpTransport(options);
  }

  async send(notice: RenderedNotice, key: string): Promise<string> {
    if (!notice.to.email) throw new PermanentSendError('no email address');
    const messageId = `<${key}@${this.options.domain}>`;
    try {
      await this.transport.sendMail({
        from: { name: this.options.from.name, address: this.options.from.email },
        to: { name: notice.to.name, address: notice.to.email },
        subject: notice.subject,
        text: notice.text,
        messageId,
        headers: { 'X-Probity-Enquiry-Notice': key },
      });
    } catch (err) {
      // Only the code travels (smtpFailure): the server's reply can name people.
      throw smtpFailure(err, PermanentSendError);
    }
    return messageId;
  }

  close(): void {
    this.transport.close();
  }
}

export class SlackNoticeSender implements Sender {
  readonly channel = 'slack' as const;
  private constructor(
    private readonly client: {
      conversations: { open(a: { users: string }): Promise<{ channel?: { id?: string } }> };
      chat: { postMessage(a: { channel: string; text: string; unfurl_links: boolean }): Promise<{ ts?: string }> };
    },
  ) {}

  static async create(options: { token: string; slackApiUrl?: string }): Promise<SlackNoticeSender> {
    const { webApi } = await import('@slack/bolt');
    const client = new webApi.WebClient(options.token, {
      ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    return new SlackNoticeSender(client);
  }

  async send(notice: RenderedNotice, _key: string): Promise<string> {
    if (!notice.to.slack) throw new PermanentSendError('no Slack id');
    try {
      const opened = await this.client.conversations.open({ users: notice.to.slack });
      const channel = opened.channel?.id;
      if (!channel) throw new Error('slack: conversations.open returned no channel');
      const posted = await this.client.chat.postMessage({ channel, text: notice.slack, unfurl_links: false });
      return posted.ts ?? 'sent';
    } catch (err) {
      const api = (err as { data?: { error?: string } }).data?.error;
      if (api && /^(user_not_found|users_not_found|account_inactive|invalid_auth|not_authed|cannot_dm_bot|channel_not_found)$/.test(api))
        throw new PermanentSendError(`slack: ${api}`);
      // eslint-disable-next-line preserve-caught-error -- only the code travels: the server's reply can name people
      throw new Error(api ? `slack: ${api}` : 'slack: request failed');
    }
  }
}
