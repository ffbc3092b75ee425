/**
 * A saved draft's MIME source → the engine's `Message`, plus the Message-ID that names the draft across autosaves.
 * (Stand-in until the shared `parseEml` lands in src/mail/eml.ts; the processor only calls `parseDraft`.)
 */
import { simpleParser, type AddressObject } from 'mailparser';
import type { Message } from '../lint/types.js';

export interface ParsedDraft {
  message: Message;
  messageId: string | undefined;
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  const out: string[] = [];
  for (const group of list) {
    for (const entry of group.value) {
      if (entry.address) out.push(entry.address.toLowerCase());
      for (const member of entry.group ?? []) if (member.address) out.push(member.address.toLowerCase());
    }
  }
  return out;
}

export async function parseDraft(source: Buffer): Promise<ParsedDraft> {
  const parsed = await simpleParser(source, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const text = parsed.text ?? '';
  const message: Message = {
    channel: 'email',
    from: addresses(parsed.from)[0] ?? '',
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    bcc: addresses(parsed.bcc),
    text,
    ...(parsed.subject !== undefined ? { subject: parsed.subject } : {}),
    ...(parsed.messageId ? { id: parsed.messageId } : {}),
    ...(parsed.date && !Number.isNaN(parsed.date.getTime()) ? { sentAt: parsed.date.toISOString() } : {}),
  };
  return { message, messageId: parsed.messageId || undefined };
}
