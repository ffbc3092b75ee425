/**
 * Email delivery over SMTP with nodemailer. Each recipient gets their own copy (it carries their own answer link)
 * with a fixed Message-ID (`<notice id.person id@council domain>`), so a send retried after a crash between the
 * server's "250 OK" and our sent-marker is recognisably the same message to the receiving system. A 5xx reply is permanent; anything else is retried by the queue.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { NoticeContext, Recipient } from './context.js';
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

/** The SMTP settings of a process (src/process/settings.ts), as the notice and enquiry workers both read them. */
export interface SmtpSettingValues {
  SMTP_URL?: string | undefined;
  SMTP_HOST?: string | undefined;
  SMTP_PORT: number;
  SMTP_SECURE: boolean;
  SMTP_IGNORE_TLS: boolean;
  SMTP_USER?: string | undefined;
  SMTP_PASS?: string | undefined;
}

/** The relay from the settings (SMTP_URL, or SMTP_HOST and its parts); undefined when neither is set. */
export function smtpOptionsFrom(s: SmtpSettingValues, from: SmtpOptions['from']): SmtpOptions | undefined {
  if (!s.SMTP_URL && !s.SMTP_HOST) return undefined;
  return {
    ...(s.SMTP_URL ? { url: s.SMTP_URL } : {}),
    ...(s.SMTP_HOST ? { host: s.SMTP_HOST, port: s.SMTP_PORT, secure: s.SMTP_SECURE } : {}),
    ignoreTLS: s.SMTP_IGNORE_TLS,
    ...(s.SMTP_USER ? { auth: { user: s.SMTP_USER, pass: s.SMTP_PASS ?? '' } } : {}),
    from,
  };
}

/** The one nodemailer transport setup, for briefing notices, the checkpoint mail and enquiry reminders alike. */
export function smtpTransport(options: Omit<SmtpOptions, 'from'>): Transporter {
  return options.url
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

/**
 * A failed send as the queue needs it: a 5xx reply is permanent (`permanent`, the caller's own error class), anything
 * else is retried. Only the code travels: the server's reply can name people.
 */
export function smtpFailure(err: unknown, permanent: new (message: string) => Error): Error {
  const code = (err as { responseCode?: number }).responseCode;
  if (code !== undefined && code >= 500) return new permanent(`SMTP ${code}`);
  return new Error(`SMTP ${code ?? (err as { code?: string }).code ?? 'error'}`);
}

export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/** The notice cannot be sent as things stand (no address on this channel, the channel not set up): not a retry. */
export class UndeliverableError extends PermanentDeliveryError {
  constructor(message: string) {
    super(message);
    this.name = 'UndeliverableError';
  }
}

/** Sent-markers, one per notice and recipient (the ledger store keeps them). */
export interface Markers {
  sentMarker(id: string): Promise<string | undefined>;
  markSent(id: string, marker: string): Promise<boolean>;
}

/** Each recipient gets their own copy (their own answer link), with its own fixed Message-ID. */
export function messageIdFor(noticeId: string, domain: string, personId?: string): string {
  return personId ? `<${noticeId}.${personId}@${domain}>` : `<${noticeId}@${domain}>`;
}

/**
 * Send to each recipient in turn unless their sent-marker says it went; set the marker right after each send.
 * Every recipient is tried; afterwards a permanent failure for anyone fails the notice (naming who, by id), and a
 * temporary one throws for a retry, which skips those already reached.
 */
export async function eachRecipient<R extends { id: string }>(
  noticeId: string,
  recipients: R[],
  markers: Markers,
  send: (recipient: R) => Promise<string>,
  isPermanent: (err: unknown) => boolean,
): Promise<string> {
  const stamps: string[] = [];
  const permanent: string[] = [];
  let temporary: unknown;
  for (const r of recipients) {
    const markerId = `${noticeId}-${r.id}`;
    const already = await markers.sentMarker(markerId);
    if (already) {
      stamps.push(already);
      continue;
    }
    try {
      const stamp = await send(r);
      await markers.markSent(markerId, stamp);
      stamps.push(stamp);
    } catch (err) {
      if (!isPermanent(err)) temporary ??= err;
      else permanent.push(`${(err as Error).message} (${r.id})`);
    }
  }
  if (permanent.length > 0) throw new PermanentDeliveryError(permanent.join('; '));
  if (temporary) throw temporary;
  return stamps.join(' ');
}

export class EmailSender {
  private readonly transport: Transporter;

  constructor(readonly options: SmtpOptions) {
    this.transport = smtpTransport(options);
  }

  /**
   * Send each recipient their own copy and return the Message-IDs. Throws UndeliverableError when nobody has an
   * email address, PermanentDeliveryError for a 5xx.
   */
  async send(ctx: NoticeContext, render: (recipient: Recipient) => RenderedNotice, markers: Markers): Promise<string> {
    const to = ctx.recipients.filter((r) => r.email);
    if (to.length === 0) throw new UndeliverableError('no recipient has an email address');
    return eachRecipient(
      ctx.notice.id,
      to,
      markers,
      (r) => this.sendOne(ctx, r, render(r)),
      (err) => err instanceof PermanentDeliveryError,
    );
  }

  private async sendOne(ctx: NoticeContext, recipient: Recipient, rendered: RenderedNotice): Promise<string> {
    const messageId = messageIdFor(ctx.notice.id, ctx.council.domain, recipient.id);
    try {
      await this.transport.sendMail({
        from: { name: this.options.from.name, address: this.options.from.email },
        to: { name: recipient.name, address: recipient.email! },
        subject: rendered.subject,
        text: rendered.text,
        messageId,
        headers: { 'X-Probity-Notice': ctx.notice.id },
        ...(rendered.ical ? { icalEvent: { method: rendered.ical.method, filename: rendered.ical.filename, content: rendered.ical.content } } : {}),
      });
    } catch (err) {
      // Only the code travels (smtpFailure): the server's reply can name people.
      throw smtpFailure(err, PermanentDeliveryError);
    }
    return messageId;
  }

  /**
   * One plain message to people who are not a notice's recipients (the administrators' alerts,
   * src/http/credential-watch.ts), with a fixed Message-ID. Throws as `send` does, naming no content.
   */
  async sendPlain(mail: { to: string[]; subject: string; text: string; messageId: string }): Promise<void> {
    try {
      await this.transport.sendMail({
        from: { name: this.options.from.name, address: this.options.from.email },
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
      });
    } catch (err) {
      throw smtpFailure(err, PermanentDeliveryError);
    }
  }

  close(): void {
    this.transport.close();
  }
}
