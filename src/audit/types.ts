/** What every audit source hands the audit loop: one item per message, with a cursor to resume after it. */
import type { Message } from '../lint/types.js';

/** Where a source has got to: plain JSON (a byte offset, a file name, an IMAP uid), never message text. */
export type Cursor = Record<string, string | number>;

export interface AuditItem {
  /** Resume after this item. */
  cursor: Cursor;
  /** Progress in the source's unit (bytes read, files done) once this item is done. */
  progress: number;
  /** Where the item is in the input, for unreadable entries: `sent.mbox@1234`, `cur/123.eml`, `general/2026-05-12.json[3]`. */
  where: string;
  /** Parses the item; throws (an InputError, or anything) when it cannot be read. */
  load(): Promise<Message> | Message;
  /** For MIME sources: the bytes, so a worker can parse them (`--jobs`); throws as `load` would. */
  raw?(): Promise<Buffer> | Buffer;
}

export interface AuditSource {
  kind: 'mbox' | 'maildir' | 'eml-folder' | 'slack-export' | 'imap';
  /** What the report calls the input (a base name, or a mailbox id and folder: no path, no person). */
  label: string;
  /** What resuming checks is unchanged: no message text. */
  identity: Record<string, string | number>;
  /** How much there is, in `unit`; undefined when unknown. */
  total: number | undefined;
  unit: 'bytes' | 'files' | 'messages';
  /** Items after `cursor` (all of them when undefined), in a fixed order. */
  items(cursor: Cursor | undefined): AsyncIterable<AuditItem>;
  /** Let go of anything held open (an IMAP connection). */
  close?(): Promise<void>;
}
