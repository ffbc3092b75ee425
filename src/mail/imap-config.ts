/**
 * Which mailboxes the IMAP drafts watcher looks after, read from the environment.
 *
 *   PROBITY_IMAP_MAILBOXES=clerk,leader          ids, lower-case: used in Redis keys, job payloads and logs
 *   PROBITY_IMAP_CLERK_HOST=imap.example.org
 *   PROBITY_IMAP_CLERK_USER=clerk@example.org
 *   PROBITY_IMAP_CLERK_PASSWORD=…                  or PROBITY_IMAP_CLERK_PASSWORD_FILE=/run/secrets/clerk
 *
 * The password is kept off the enumerable properties of the config object, so `JSON.stringify`, `console.log`
 * and error reporters that serialise the object never show it. Errors name a variable, never its value.
 */
import { readFileSync } from 'node:fs';

export interface MailboxConfig {
  /** Lower-case id (letters, digits, hyphens). */
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (port 993). */
  readonly secure: boolean;
  /** When not `secure`: require STARTTLS (default), or `false` to stay in cleartext (test servers only). */
  readonly startTls: boolean;
  readonly user: string;
  /** Non-enumerable: see the module comment. */
  readonly password: string;
  /** The drafts folder, when the server does not mark one with the `\Drafts` special-use flag. */
  readonly draftsPath?: string;
  /** Where nudges are delivered. */
  readonly inboxPath: string;
  /** The mailbox owner's address, for the nudge's `To:` (defaults to `user` when it looks like an address). */
  readonly address?: string;
}

export class MailboxConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MailboxConfigError';
  }
}

const ID = /^[a-z0-9][a-z0-9-]*$/;

export function mailboxConfig(fields: Omit<MailboxConfig, 'password'>, password: string): MailboxConfig {
  const config = { ...fields } as MailboxConfig;
  Object.defineProperty(config, 'password', { value: password, enumerable: false, writable: false });
  return Object.freeze(config);
}

/** `clerk-2` → `PROBITY_IMAP_CLERK_2_`. */
export function envPrefix(id: string): string {
  return `PROBITY_IMAP_${id.toUpperCase().replace(/-/g, '_')}_`;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new MailboxConfigError(`${name} must be true or false`);
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new MailboxConfigError(`${name} must be set`);
  return value;
}

function password(env: NodeJS.ProcessEnv, prefix: string): string {
  const direct = env[`${prefix}PASSWORD`];
  if (direct) return direct;
  const file = env[`${prefix}PASSWORD_FILE`]?.trim();
  if (file) {
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch {
      throw new MailboxConfigError(`${prefix}PASSWORD_FILE names a file that cannot be read`);
    }
  }
  throw new MailboxConfigError(`${prefix}PASSWORD or ${prefix}PASSWORD_FILE must be set`);
}

/** The mailboxes in the environment; throws the first problem (see `readMailboxes` for all of them). */
export function mailboxesFromEnv(env: NodeJS.ProcessEnv = process.env): MailboxConfig[] {
  const { mailboxes, problems } = readMailboxes(env);
  if (problems.length) throw new MailboxConfigError(problems[0]!);
  return mailboxes;
}

/** Every mailbox that is configured well, and one line for each problem with the others. */
export function readMailboxes(env: NodeJS.ProcessEnv): { mailboxes: MailboxConfig[]; problems: string[] } {
  const ids = (env.PROBITY_IMAP_MAILBOXES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const seen = new Set<string>();
  const mailboxes: MailboxConfig[] = [];
  const problems: string[] = [];
  for (const id of ids) {
    try {
      if (!ID.test(id)) throw new MailboxConfigError(`PROBITY_IMAP_MAILBOXES: "${id}" must be a lower-case id (letters, digits, hyphens)`);
      if (seen.has(id)) throw new MailboxConfigError(`PROBITY_IMAP_MAILBOXES lists "${id}" twice`);
      seen.add(id);
      mailboxes.push(mailbox(env, id));
    } catch (err) {
      if (!(err instanceof MailboxConfigError)) throw err;
      problems.push(err.message);
    }
  }
  return { mailboxes, problems };
}

function mailbox(env: NodeJS.ProcessEnv, id: string): MailboxConfig {
  const prefix = envPrefix(id);
  const secure = flag(env, `${prefix}SECURE`, true);
  const portText = env[`${prefix}PORT`]?.trim();
  const port = portText ? Number(portText) : secure ? 993 : 143;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new MailboxConfigError(`${prefix}PORT must be a port number`);
  const user = required(env, `${prefix}USER`);
  const address = env[`${prefix}ADDRESS`]?.trim() || (user.includes('@') ? user : undefined);
  const draftsPath = env[`${prefix}DRAFTS`]?.trim() || undefined;
  return mailboxConfig(
    {
      id,
      host: required(env, `${prefix}HOST`),
      port,
      secure,
      startTls: flag(env, `${prefix}STARTTLS`, true),
      user,
      inboxPath: env[`${prefix}INBOX`]?.trim() || 'INBOX',
      ...(draftsPath ? { draftsPath } : {}),
      ...(address ? { address } : {}),
    },
    password(env, prefix),
  );
}

/** What a log line may say about a mailbox. */
export function describeMailbox(config: MailboxConfig): { mailbox: string; host: string; port: number } {
  return { mailbox: config.id, host: config.host, port: config.port };
}
