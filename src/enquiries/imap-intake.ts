/**
 * Enquiries by email: a watcher per (mailbox, folder) that keeps an IMAP session in IDLE and hands every new message
 * to the enquiry service. The member-enquiry mailbox's INBOX brings councillors' enquiries; an officer's mailbox
 * that the council connects brings them in INBOX and the officer's replies in Sent. Following imapflow's rules:
 * a new client for each connection (with capped, jittered backoff), the mailbox lock released in `finally`, no
 * command inside a fetch loop (collect, then act), and UIDVALIDITY/UIDNEXT tracked per folder in Redis. On a first
 * start the folder's existing mail is left alone: only what arrives from then on is read.
 */
import type { ImapFlow } from 'imapflow';
import type { Redis } from 'ioredis';
import { simpleParser, type AddressObject } from 'mailparser';
import { closeQuietly, createImapClient, errorSummary } from '../mail/imap-client.js';
import type { MailboxConfig } from '../mail/imap-config.js';
import { backoffDelay, DEFAULT_BACKOFF, type Backoff } from '../mail/imap-watcher.js';
import type { Log } from '../queue/log.js';
import type { EnquiryService, IncomingMessage, IntakeResult } from './service.js';

/** A message larger than this is read for its headers and first part only (an enquiry is words, not attachments). */
const MAX_SOURCE_BYTES = 2 * 1024 * 1024;
/** Rescan without being asked this often: an EXISTS lost in a blip must not leave mail unread for long. */
export const RESCAN_MS = 60_000;

/** The process's logger: ids, folders and counts, never a message's text. */
export type IntakeLog = Pick<Log, 'info' | 'warn'>;

export interface FolderWatcherOptions {
  mailbox: MailboxConfig;
  folder: string;
  service: Pick<EnquiryService, 'intake'>;
  redis: Redis;
  prefix: string;
  log?: IntakeLog;
  backoff?: Backoff;
  rescanMs?: number;
  /** Called after each message is handed over (tests wait on it). */
  onIntake?: (result: IntakeResult) => void;
}

/** The message as the service reads it; only what the enquiry needs is taken from the parsed mail. */
export async function toIncoming(source: Buffer, fallbackDate: Date): Promise<IncomingMessage> {
  const parsed = await simpleParser(source.length > MAX_SOURCE_BYTES ? source.subarray(0, MAX_SOURCE_BYTES) : source, {
    skipImageLinks: true,
    skipHtmlToText: false,
  });
  const addresses = (a: AddressObject | AddressObject[] | undefined) =>
    (Array.isArray(a) ? a : a ? [a] : [])
      .flatMap((o) => o.value)
      .map((v) => v.address ?? '')
      .filter(Boolean);
  const refs = parsed.references;
  return {
    channel: 'email',
    from: addresses(parsed.from)[0] ?? '',
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    bcc: [],
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    ...(parsed.messageId ? { messageId: parsed.messageId } : {}),
    ...(parsed.inReplyTo ? { inReplyTo: parsed.inReplyTo } : {}),
    ...(refs ? { references: Array.isArray(refs) ? refs : refs.split(/\s+/).filter(Boolean) } : {}),
    receivedAt: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : fallbackDate,
  };
}

export class FolderWatcher {
  private client?: ImapFlow;
  private stopped = false;
  private scanning: Promise<void> = Promise.resolve();
  private rescan?: NodeJS.Timeout;
  private attempt = 0;
  private loop?: Promise<void>;

  constructor(private readonly opts: FolderWatcherOptions) {}

  private get stateKey(): string {
    return `${this.opts.prefix}:imap:${this.opts.mailbox.id}:${this.opts.folder}`;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.rescan);
    if (this.client) await closeQuietly(this.client);
    await this.loop?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const client = createImapClient(this.opts.mailbox, { idle: true });
      this.client = client;
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.on('error', (err: unknown) =>
        this.opts.log?.warn({ mailbox: this.opts.mailbox.id, folder: this.opts.folder, ...errorSummary(err) }, 'imap error'),
      );
      try {
        await client.connect();
        await client.mailboxOpen(this.opts.folder);
        this.attempt = 0;
        client.on('exists', () => this.scan());
        this.rescan = setInterval(() => this.scan(), this.opts.rescanMs ?? RESCAN_MS);
        this.scan();
        this.opts.log?.info({ mailbox: this.opts.mailbox.id, folder: this.opts.folder }, 'watching');
        await closed;
      } catch (err) {
        this.opts.log?.warn({ mailbox: this.opts.mailbox.id, folder: this.opts.folder, ...errorSummary(err) }, 'imap connection failed');
        await closeQuietly(client);
      } finally {
        clearInterval(this.rescan);
      }
      if (this.stopped) break;
      await new Promise((r) => setTimeout(r, backoffDelay(++this.attempt, this.opts.backoff ?? DEFAULT_BACKOFF)));
    }
  }

  /** One scan at a time; a scan asked for while one runs follows it. */
  private scan(): void {
    this.scanning = this.scanning
      .then(() => this.scanOnce())
      .catch((err: unknown) => this.opts.log?.warn({ mailbox: this.opts.mailbox.id, folder: this.opts.folder, ...errorSummary(err) }, 'scan failed'));
  }

  private async scanOnce(): Promise<void> {
    const client = this.client;
    if (!client?.usable) return;
    const status = client.mailbox;
    if (!status) return;
    const validity = String(status.uidValidity);
    const saved = await this.opts.redis.hgetall(this.stateKey);
    let next = Number(saved.uidNext ?? 0);
    if (saved.uidValidity !== validity || !next) {
      // First start, or the folder was rebuilt: begin with what arrives from now on.
      next = Number(status.uidNext);
      await this.opts.redis.hset(this.stateKey, { uidValidity: validity, uidNext: String(next) });
      return;
    }
    const found: { uid: number; source: Buffer; internalDate: Date }[] = [];
    const lock = await client.getMailboxLock(this.opts.folder);
    try {
      for await (const m of client.fetch(`${next}:*`, { uid: true, source: true, internalDate: true }, { uid: true })) {
        // `N:*` always returns the last message, even when its UID is below N.
        if (m.uid >= next && m.source) found.push({ uid: m.uid, source: m.source, internalDate: m.internalDate instanceof Date ? m.internalDate : new Date() });
      }
    } finally {
      lock.release();
    }
    for (const m of found.sort((a, b) => a.uid - b.uid)) {
      const incoming = await toIncoming(m.source, m.internalDate);
      const result = await this.opts.service.intake(incoming);
      this.opts.log?.info(
        {
          mailbox: this.opts.mailbox.id,
          folder: this.opts.folder,
          uid: m.uid,
          action: result.action,
          ...(result.enquiry ? { enquiry: result.enquiry.id } : {}),
        },
        'message read',
      );
      // The UID moves on only after the service has the message: a crash re-reads it, and the service ignores a repeat.
      await this.opts.redis.hset(this.stateKey, { uidValidity: validity, uidNext: String(m.uid + 1) });
      this.opts.onIntake?.(result);
    }
  }
}
