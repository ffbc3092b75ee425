/**
 * Watches one mailbox's Drafts folder and hands every newly saved draft to the lint queue, by reference.
 *
 * - A session stays selected on Drafts in IDLE; an EXISTS push (a new copy of a draft) triggers a scan.
 * - A scan fetches UIDs above the cursor (envelope only: Message-ID for the autosave debounce, no body),
 *   enqueues them after the fetch loop (never an IMAP command inside it), then moves the cursor on.
 * - The cursor carries UIDVALIDITY: when it changes the folder is rescanned, and the nudged set in Redis keeps
 *   drafts that were already nudged from being nudged twice.
 * - A dropped session is replaced by a new `ImapFlow` (a closed one cannot reconnect) after a capped,
 *   jittered exponential backoff; the first scan of the new session catches up on what was saved meanwhile.
 */
import { EventEmitter } from 'node:events';
import type { ImapFlow, MailboxObject } from 'imapflow';
import { closeQuietly, createImapClient, errorSummary, findDraftsPath } from './imap-client.js';
import { describeMailbox, type MailboxConfig } from './imap-config.js';
import type { DraftState } from './imap-state.js';
import { silentLog, type Log } from '../queue/log.js';
import type { ImapDraftJob } from './draft-job.js';

export interface Backoff {
  baseMs: number;
  capMs: number;
}

/** Reconnect delays: 1 s, 2 s, 4 s … up to 5 minutes, each with "full jitter" so many watchers do not stampede. */
export const DEFAULT_BACKOFF: Backoff = { baseMs: 1_000, capMs: 5 * 60_000 };

export function backoffDelay(attempt: number, backoff: Backoff = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  // Half fixed, half random: never a zero wait, never a synchronised one.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * A scan also runs this often without being asked: some servers freeze an idle session's view of the folder,
 * and an EXISTS lost to a network blip must not leave a draft unchecked for long.
 */
export const DEFAULT_RESCAN_INTERVAL_MS = 2 * 60_000;

/** On a first start or a UIDVALIDITY change, drafts saved within this window are checked; older ones are left. */
export const DEFAULT_LOOKBACK_MS = 24 * 3600_000;

export interface WatcherOptions {
  mailbox: MailboxConfig;
  state: DraftState;
  /** Puts one draft on the lint queue (see `enqueueDraft`); the Message-ID is only used for the debounce id. */
  enqueue: (job: ImapDraftJob, messageId: string | undefined) => Promise<void>;
  log?: Log;
  backoff?: Backoff;
  rescanIntervalMs?: number;
  lookbackMs?: number;
  now?: () => number;
  random?: () => number;
}

export interface ScanResult {
  folder: string;
  uidValidity: string;
  lastUid: number;
  enqueued: number;
  rescanned: boolean;
}

interface Found {
  uid: number;
  messageId: string | undefined;
  internalDate: number | undefined;
}

/**
 * Events: `connected` ({folder}), `scanned` (ScanResult), `disconnected` ({attempt, delayMs}).
 * Tests wait on these instead of on the clock.
 */
export class DraftsWatcher extends EventEmitter {
  private readonly log: Log;
  private readonly now: () => number;
  private stopping = false;
  private wake: (() => void) | null = null;
  private client: ImapFlow | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: WatcherOptions) {
    super();
    this.log = options.log ?? silentLog;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.run();
  }

  /** Ends the session and the reconnect loop; resolves once the connection is closed. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    if (this.client) await closeQuietly(this.client);
    await this.running;
    this.running = null;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopping) {
      const healthy = await this.session();
      if (this.stopping) break;
      attempt = healthy ? 1 : attempt + 1;
      const delayMs = backoffDelay(attempt, this.options.backoff, this.options.random);
      this.log.info({ ...describeMailbox(this.options.mailbox), attempt, delayMs }, 'reconnecting after a wait');
      this.emit('disconnected', { attempt, delayMs });
      await this.sleep(delayMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** One connection's life. Resolves when it ends; true when it got as far as a completed scan. */
  private async session(): Promise<boolean> {
    const { mailbox } = this.options;
    // A new client every time: a closed ImapFlow cannot reconnect. Listeners go on this instance only.
    const client = createImapClient(mailbox, { idle: true });
    this.client = client;
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.on('error', (error: unknown) => this.log.warn({ ...describeMailbox(mailbox), ...errorSummary(error) }, 'imap error'));
    let healthy = false;
    let verifyTimer: NodeJS.Timeout | undefined;
    try {
      await client.connect();
      const folder = await findDraftsPath(client, mailbox);
      let view: ScanResult | null = null;
      const scanner = new SerialScanner(
        async () => {
          view = await this.scan(client, folder, view === null);
        },
        (error) => {
          this.log.warn({ ...describeMailbox(mailbox), ...errorSummary(error) }, 'drafts scan failed');
          // A failed scan leaves the session in an unknown state: start afresh.
          client.close();
        },
      );
      client.on('exists', (event: { path?: string }) => {
        if (!event.path || event.path === folder) void scanner.request();
      });
      await scanner.request();
      if (!client.usable || view === null) return false;
      healthy = true;
      this.log.info({ ...describeMailbox(mailbox) }, 'watching drafts');
      this.emit('connected', { folder });
      let verifying = false;
      verifyTimer = setInterval(() => {
        if (verifying) return;
        verifying = true;
        void this.verify(client, folder, scanner, () => view).finally(() => (verifying = false));
      }, this.options.rescanIntervalMs ?? DEFAULT_RESCAN_INTERVAL_MS);
      verifyTimer.unref();
      await closed;
      this.log.info({ ...describeMailbox(mailbox) }, 'imap session closed');
    } catch (error) {
      this.log.warn({ ...describeMailbox(mailbox), ...errorSummary(error) }, 'imap session failed');
    } finally {
      if (verifyTimer) clearInterval(verifyTimer);
      client.removeAllListeners('exists');
      await closeQuietly(client);
      if (this.client === client) this.client = null;
    }
    return healthy;
  }

  /**
   * Asks the server, over a second short connection, what the folder looks like now. An idle session's view
   * can be frozen (Dovecot keeps a deleted-and-recreated folder's old view; some servers stop pushing EXISTS):
   * a different UIDVALIDITY, or UIDs the session cannot see even after a scan, end the session, and the next
   * one starts from a fresh SELECT.
   */
  private async verify(client: ImapFlow, folder: string, scanner: SerialScanner, view: () => ScanResult | null): Promise<void> {
    const seen = await this.probe(folder);
    const scanned = view();
    if (!seen || !scanned || !client.usable) return;
    if (seen.uidValidity !== scanned.uidValidity) {
      this.log.info({ ...describeMailbox(this.options.mailbox) }, 'drafts folder UIDVALIDITY changed');
      client.close();
      return;
    }
    if (seen.uidNext - 1 > scanned.lastUid) {
      await scanner.request();
      const after = view();
      if (client.usable && after && seen.uidNext - 1 > after.lastUid) {
        this.log.info({ ...describeMailbox(this.options.mailbox) }, 'imap session view is stale');
        client.close();
      }
    }
  }

  private async probe(folder: string): Promise<{ uidValidity: string; uidNext: number } | null> {
    const probe = createImapClient(this.options.mailbox, { idle: false });
    probe.on('error', () => {});
    try {
      await probe.connect();
      const status = await probe.status(folder, { uidValidity: true, uidNext: true });
      if (!status || status.uidValidity === undefined || status.uidNext === undefined) return null;
      return { uidValidity: status.uidValidity.toString(), uidNext: status.uidNext };
    } catch {
      // The session's own close event deals with a server that has gone away.
      return null;
    } finally {
      await closeQuietly(probe);
    }
  }

  /**
   * Hands every draft above the cursor to the queue and moves the cursor on. `fresh`: the folder was SELECTed
   * just now, so its UIDNEXT is current and the cursor may skip UIDs that were used and deleted already.
   */
  private async scan(client: ImapFlow, folder: string, fresh: boolean): Promise<ScanResult> {
    const { mailbox, state } = this.options;
    const found: Found[] = [];
    let uidValidity: string;
    let from: number;
    let uidNext: number;
    let rescanned: boolean;
    const lock = await client.getMailboxLock(folder);
    try {
      const selected = client.mailbox as MailboxObject;
      uidValidity = selected.uidValidity.toString();
      uidNext = selected.uidNext;
      const cursor = await state.getCursor(mailbox.id, folder);
      rescanned = !cursor || cursor.uidValidity !== uidValidity;
      if (cursor && rescanned) this.log.info({ ...describeMailbox(mailbox) }, 'rescanning drafts folder');
      from = rescanned ? 1 : cursor!.lastUid + 1;
      if (selected.exists > 0) {
        // Collect only: issuing an IMAP command inside this loop would deadlock the connection.
        for await (const message of client.fetch(`${from}:*`, { uid: true, envelope: true, internalDate: true }, { uid: true })) {
          // `N:*` always returns the last message, even when its UID is below N.
          if (message.uid < from) continue;
          found.push({ uid: message.uid, messageId: message.envelope?.messageId, internalDate: toTime(message.internalDate) });
        }
      }
    } finally {
      lock.release();
    }

    const cutoff = this.now() - (this.options.lookbackMs ?? DEFAULT_LOOKBACK_MS);
    let enqueued = 0;
    let lastUid = from - 1;
    for (const draft of found.sort((a, b) => a.uid - b.uid)) {
      // On a first start or a rescan, leave drafts nobody has touched for a long while alone.
      const stale = rescanned && draft.internalDate !== undefined && draft.internalDate < cutoff;
      if (!stale) {
        await this.options.enqueue({ mailbox: mailbox.id, folder, uidValidity, uid: draft.uid }, draft.messageId);
        enqueued++;
      }
      lastUid = Math.max(lastUid, draft.uid);
    }
    if (fresh && uidNext > 0) lastUid = Math.max(lastUid, uidNext - 1);
    // The cursor moves only after the drafts are on the queue: a crash in between re-enqueues, never skips.
    await state.setCursor(mailbox.id, folder, { uidValidity, lastUid });
    const result: ScanResult = { folder, uidValidity, lastUid, enqueued, rescanned };
    if (enqueued > 0 || rescanned) this.log.info({ ...describeMailbox(mailbox), enqueued, rescanned }, 'drafts scanned');
    this.emit('scanned', result);
    return result;
  }
}

function toTime(value: Date | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = (value instanceof Date ? value : new Date(value)).getTime();
  return Number.isNaN(time) ? undefined : time;
}

/** Runs scans one at a time; a request during a scan queues exactly one more. */
class SerialScanner {
  private current: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly scan: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  request(): Promise<void> {
    if (this.current) {
      this.again = true;
      return this.current;
    }
    this.current = (async () => {
      try {
        do {
          this.again = false;
          await this.scan();
        } while (this.again);
      } catch (error) {
        this.onError(error);
      } finally {
        this.current = null;
      }
    })();
    return this.current;
  }
}
