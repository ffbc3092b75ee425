/**
 * A MIME message (`.eml`, an IMAP draft, an Outlook add-in upload) → the engine's `Message`.
 * Parsing is mailparser's; this file only checks that the input is a message at all and maps the fields.
 */
import type { AddressObject } from 'mailparser';
import type { Message } from '../lint/types.js';
import { InputError } from './errors.js';

/** Larger messages are refused before parsing (attachments included); the engine analyses 100k characters anyway. */
export const MAX_EML_BYTES = 60 * 1024 * 1024;
/** How much of the start is inspected for NUL bytes (as git and grep do to tell binary files). */
const BINARY_SNIFF_BYTES = 8 * 1024;
/** A header field line: a printable name without spaces or colons, then a colon (RFC 5322 §2.2). */
const HEADER_LINE = /^[\x21-\x39\x3B-\x7E]{1,76}:/;
/** mbox's separator line, which some exports leave at the top of each message. */
const MBOX_FROM_LINE = /^From \S/;
/** At least one of these must be in the header block for the text to be a message. */
const MESSAGE_HEADERS = /^(?:from|to|cc|bcc|subject|date|message-id|mime-version|received|content-type|return-path|reply-to|sender|x-[\x21-\x39\x3B-\x7E]+):/i;
/** Header lines examined for the check above. */
const MAX_HEADER_LINES_CHECKED = 200;

export interface ParseEmlOptions {
  /** Refuse larger input (default MAX_EML_BYTES). */
  maxBytes?: number;
  /**
   * Refuse a body that does not decode in its charset (invalid UTF-8, say) instead of checking it with U+FFFD in
   * place of the bad bytes. `probity check` refuses, as it refuses invalid UTF-8 in any other file; channels that
   * check real mail as it is written (IMAP, Outlook) keep the lenient default.
   */
  strictCharset?: boolean;
}

/** What the decoder leaves for bytes that are not text in the charset (mailparser decodes UTF-8 without `fatal`). */
const REPLACEMENT_CHARACTER = '\uFFFD';

/** "60 MB", "512 KB": for messages about limits. */
export function describeBytes(bytes: number): string {
  const MB = 1024 * 1024;
  return bytes >= MB ? `${Math.round(bytes / MB)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const out: string[] = [];
  for (const list of Array.isArray(value) ? value : value ? [value] : []) {
    for (const entry of list.value) {
      if (entry.address) out.push(entry.address.toLowerCase());
      // "Members: a@x, b@x;" groups carry their addresses one level down.
      for (const member of entry.group ?? []) if (member.address) out.push(member.address.toLowerCase());
    }
  }
  return out;
}

/** Throws InputError unless `source` starts with a header block that names at least one message header. */
export function assertLooksLikeMessage(source: Buffer): void {
  const head = source.subarray(0, BINARY_SNIFF_BYTES);
  if (head.includes(0)) throw new InputError('binary content, not an email message');
  // Header names are ASCII, so latin1 reads them exactly whatever the body's charset.
  const lines = source
    .subarray(0, 64 * 1024)
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .split(/\r?\n/);
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  if (i < lines.length && MBOX_FROM_LINE.test(lines[i]!)) i++;
  if (i >= lines.length || !HEADER_LINE.test(lines[i]!)) throw new InputError('not an email message: no headers');
  for (let n = 0; i < lines.length && n < MAX_HEADER_LINES_CHECKED; i++, n++) {
    const line = lines[i]!;
    if (line === '') break;
    if (MESSAGE_HEADERS.test(line)) return;
  }
  throw new InputError('not an email message: no headers');
}

/**
 * Parse a MIME message. Throws InputError for input that is not a message (no header block, binary content)
 * or is too large. Text in a part whose declared charset it does not match (invalid UTF-8, say) is decoded with
 * U+FFFD replacement characters rather than refused (unless `strictCharset`): real mail is often mislabelled,
 * and the rest is still worth checking.
 */
export async function parseEml(source: Buffer | string, options: ParseEmlOptions = {}): Promise<Message> {
  const maxBytes = options.maxBytes ?? MAX_EML_BYTES;
  const buffer = typeof source === 'string' ? Buffer.from(source, 'utf8') : source;
  if (buffer.length > maxBytes) throw new InputError(`message is larger than ${describeBytes(maxBytes)}`);
  assertLooksLikeMessage(buffer);

  // Loaded when the first email is read, not when the CLI starts: checking plain text or JSON needs none of it.
  const { simpleParser } = await import('mailparser');
  let parsed;
  try {
    parsed = await simpleParser(buffer, {
      skipHtmlToText: true, // `text` stays empty for HTML-only mail: the normaliser converts `html` itself
      skipTextToHtml: true,
      skipImageLinks: true,
      skipTextLinks: true,
    });
  } catch (err) {
    throw new InputError(`not a readable email message: ${err instanceof Error ? err.message : String(err)}`);
  }

  const text = parsed.text ?? '';
  // A U+FFFD that was already in the sent text (written as a valid character) is refused too: it cannot be told
  // apart here, and it means an earlier decoding lost the words anyway.
  if (options.strictCharset && (text.includes(REPLACEMENT_CHARACTER) || (typeof parsed.html === 'string' && parsed.html.includes(REPLACEMENT_CHARACTER)))) {
    throw new InputError('message body is not valid UTF-8 (or not valid in the charset it declares)');
  }
  const message: Message = {
    channel: 'email',
    from: addresses(parsed.from)[0] ?? '',
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    bcc: addresses(parsed.bcc),
    text,
  };
  if (parsed.messageId) message.id = parsed.messageId;
  if (parsed.subject !== undefined) message.subject = parsed.subject;
  if (text.trim() === '' && typeof parsed.html === 'string' && parsed.html !== '') message.html = parsed.html;
  if (parsed.date && !Number.isNaN(parsed.date.getTime())) message.sentAt = parsed.date.toISOString();
  return message;
}
