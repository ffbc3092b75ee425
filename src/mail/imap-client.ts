/**
 * One place that makes `ImapFlow` clients, so every connection Probity opens has the same timeouts, no logger
 * (imapflow's logger would print commands, and APPEND carries message text) and the same STARTTLS policy.
 */
import { ImapFlow, type ListResponse } from 'imapflow';
import type { MailboxConfig } from './imap-config.js';

/** Auto-IDLE starts this long after the last command: 500 ms gave sub-second notice of new drafts on Dovecot. */
export const AUTO_IDLE_DELAY_MS = 500;
/**
 * IDLE is broken and restarted this often. Under the 5-minute socket timeout below, and well under the
 * 29 minutes RFC 2177 allows, so NAT boxes and servers that freeze an idle session's view are both covered.
 */
export const MAX_IDLE_TIME_MS = 4 * 60_000;
/** A server that has not greeted or answered within this is treated as down, and the watcher backs off. */
const CONNECTION_TIMEOUT_MS = 15_000;
const SOCKET_TIMEOUT_MS = 5 * 60_000;

export interface ClientOptions {
  /** Keep a session in IDLE (the watcher); one-shot sessions (the processor) leave it off. */
  idle: boolean;
}

export function createImapClient(config: MailboxConfig, options: ClientOptions): ImapFlow {
  return new ImapFlow({
    host: config.host,
    port: config.port,
    secure: config.secure,
    ...(config.secure ? {} : { doSTARTTLS: config.startTls }),
    auth: { user: config.user, pass: config.password },
    logger: false,
    disableAutoIdle: !options.idle,
    autoIdleDelay: AUTO_IDLE_DELAY_MS,
    maxIdleTime: MAX_IDLE_TIME_MS,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: CONNECTION_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    clientInfo: { name: 'Probity' },
  });
}

/** The folder holding drafts: the configured path, else the one marked `\Drafts`, else one named Drafts. */
export async function findDraftsPath(client: ImapFlow, config: MailboxConfig): Promise<string> {
  if (config.draftsPath) return config.draftsPath;
  const folders: ListResponse[] = await client.list();
  const marked = folders.find((f) => f.specialUse === '\\Drafts');
  if (marked) return marked.path;
  const named = folders.find((f) => /^drafts$/i.test(f.name));
  if (named) return named.path;
  throw new Error('no Drafts folder: set PROBITY_IMAP_<ID>_DRAFTS');
}

/** Log-safe summary of an error from imapflow or the network: a code and a short reason, never a command. */
export function errorSummary(error: unknown): { code: string; reason: string } {
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; name?: unknown; message?: unknown; authenticationFailed?: unknown };
    const code = typeof e.code === 'string' ? e.code : e.authenticationFailed ? 'AUTHENTICATIONFAILED' : typeof e.name === 'string' ? e.name : 'Error';
    const message = typeof e.message === 'string' ? e.message : '';
    // Server responses can echo arguments; keep the first line and cap it.
    return { code, reason: message.split('\n')[0]!.slice(0, 160) };
  }
  return { code: 'Error', reason: String(error).slice(0, 160) };
}

/** Log out politely; a dead connection is just closed. */
export async function closeQuietly(client: ImapFlow): Promise<void> {
  if (client.usable) {
    try {
      await client.logout();
      return;
    } catch {
      // fall through to close
    }
  }
  client.close();
}
