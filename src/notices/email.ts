/**
 * Email delivery over SMTP with nodemailer. Every notice has a fixed Message-ID (`<notice id@council domain>`),
 * so a send retried after a crash between the server's "250 OK" and our sent-marker is recognisably the same
 * message to the receiving system. A 5xx reply is permanent; anything else is retried by the queue.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { NoticeContext } from './context.js';
import type { RenderedNotice } from './render.js';

export interface SmtpOptions {
  /** `smtp://user:pass@host:port` or host/port below. */
  url?: string;
  host?: string;
  port?: number;
  secure?: boolean;
  /** For a loopback sink or a relay on a trusted network without TLS. */
  ignoreTLS?: boolean;
  auth?: { user: string; pass: string };
  from: { name: string; email: string };
}

export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

export function messageIdFor(noticeId: string, domain: string): string {
  return `<${noticeId}@${domain}>`;
}

export class EmailSender {
  private readonly transport: Transporter;

  constructor(readonly options: SmtpOptions) {
    this.transport = options.url
      ? nodemailer.createTransport(options.url)
      : nodemailer.createTransport({
          host: options.host ?? '127.0.0.1',
          port: options.port ?? 25,
          secure: options.secure ?? false,
          ignoreTLS: options.ignoreTLS ?? false,
          ...(options.auth ? { auth: options.auth } : {}),
          // Short timeouts: a stuck SMTP server should fail the attempt and let the queue back off.
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
        });
  }

  /** Send and return the Message-ID. Throws PermanentDeliveryError for a 5xx or no address at all. */
  async send(ctx: NoticeContext, rendered: RenderedNotice): Promise<string> {
    const to = ctx.recipients.filter((r) => r.email).map((r) => ({ name: r.name, address: r.email! }));
    if (to.length === 0) throw new PermanentDeliveryError('no recipient has an email address');
    const messageId = messageIdFor(ctx.notice.id, ctx.council.domain);
    try {
      await this.transport.sendMail({
        from: { name: this.options.from.name, address: this.options.from.email },
        to,
        subject: rendered.subject,
        text: rendered.text,
        messageId,
        headers: { 'X-Probity-Notice': ctx.notice.id },
        ...(rendered.ical ? { icalEvent: { method: rendered.ical.method, filename: rendered.ical.filename, content: rendered.ical.content } } : {}),
      });
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      if (code !== undefined && code >= 500) throw new PermanentDeliveryError(`SMTP ${code}`);
      throw new Error(`SMTP ${code ?? (err as { code?: string }).code ?? 'error'}`);
    }
    return messageId;
  }

  close(): void {
    this.transport.close();
  }
}
