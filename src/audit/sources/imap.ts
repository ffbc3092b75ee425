/**
 * A live IMAP folder (Sent Items, say), with a mailbox configured from the environment as for the drafts watcher
 * (PROBITY_IMAP_<ID>_HOST/USER/PASSWORD…). The UIDs are listed once, then messages are fetched in small batches:
 * each batch is collected inside its fetch loop and handed on after it (never an IMAP command inside the loop),
 * so memory is one batch. The cursor is the folder's UIDVALIDITY and the last UID done.
 */
import type { ImapFlow } from 'imapflow';
import { closeQuietly, createImapClient, errorSummary } from '../../mail/imap-client.js';
import { mailboxesFromEnv, MailboxConfigError, type MailboxConfig } from '../../mail/imap-config.js';
import { describeBytes, MAX_EML_BYTES, parseEml } from '../../mail/eml.js';
import { InputError } from '../../mail/errors.js';
import type { AuditItem, AuditSource, Cursor } from '../types.js';

/** Messages per FETCH: enough to keep the connection busy, few enough that a batch of large mail stays small. */
const BATCH = 25;

export function mailboxFor(id: string, env: NodeJS.ProcessEnv): MailboxConfig {
  let mailboxes: MailboxConfig[];
  try {
    mailboxes = mailboxesFromEnv(env);
  } catch (err) {
    if (err instanceof MailboxConfigError) throw new InputError(err.message);
    throw err;
  }
  const found = mailboxes.find((m) => m.id === id);
  if (!found) throw new InputError(`--imap ${id}: no such mailbox in PROBITY_IMAP_MAILBOXES`);
  return found;
}

export async function imapSource(config: MailboxConfig, folder: string): Promise<AuditSource> {
  const client: ImapFlow = createImapClient(config, { idle: false });
  try {
    await client.connect();
  } catch (err) {
    throw new InputError(`--imap ${config.id}: cannot connect to ${config.host}:${config.port} (${errorSummary(err).code})`);
  }
  let lock: { release(): void };
  try {
    lock = await client.getMailboxLock(folder, { readOnly: true });
  } catch {
    await closeQuietly(client);
    throw new InputError(`--imap ${config.id}: no folder "${folder}"`);
  }
  const selected = client.mailbox;
  const uidValidity = selected ? selected.uidValidity.toString() : '0';
  const found = await client.search({ all: true }, { uid: true });
  const uids = (Array.isArray(found) ? found : []).sort((a, b) => a - b);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    lock.release();
    await closeQuietly(client);
  };
  return {
    kind: 'imap',
    label: `${config.id}:${folder}`,
    identity: { kind: 'imap', mailbox: config.id, folder, uidValidity },
    total: uids.length,
    unit: 'messages',
    close,
    async *items(cursor: Cursor | undefined): AsyncGenerator<AuditItem> {
      if (cursor && cursor.uidValidity !== uidValidity)
        throw new InputError(`--imap ${config.id}: the folder was rebuilt (UIDVALIDITY changed); start again without --resume`);
      const after = typeof cursor?.uid === 'number' ? cursor.uid : 0;
      const todo = uids.filter((u) => u > after);
      let done = uids.length - todo.length;
      for (let b = 0; b < todo.length; b += BATCH) {
        const batch = todo.slice(b, b + BATCH);
        const fetched = new Map<number, Buffer | undefined>();
        for await (const msg of client.fetch(batch.join(','), { uid: true, size: true, source: { maxLength: MAX_EML_BYTES } }, { uid: true })) {
          fetched.set(msg.uid, msg.size !== undefined && msg.size > MAX_EML_BYTES ? undefined : msg.source);
        }
        for (const uid of batch) {
          done++;
          const source = fetched.get(uid);
          const missing = !fetched.has(uid);
          const bytes = (): Buffer => {
            if (missing) throw new InputError('message was removed during the audit');
            if (!source) throw new InputError(`message is larger than ${describeBytes(MAX_EML_BYTES)}`);
            return source;
          };
          yield { cursor: { uidValidity, uid }, progress: done, where: `${folder}#${uid}`, raw: bytes, load: () => parseEml(bytes()) };
        }
        fetched.clear();
      }
    },
  };
}
