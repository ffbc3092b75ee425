/** A saved draft's MIME source → the engine's `Message`, plus the Message-ID that names the draft across autosaves. */
import type { Message } from '../lint/types.js';
import { parseEml } from './eml.js';

export interface ParsedDraft {
  message: Message;
  messageId: string | undefined;
}

/** Throws `InputError` for something that is not a message at all (the processor reports it as unreadable). */
export async function parseDraft(source: Buffer): Promise<ParsedDraft> {
  const message = await parseEml(source);
  return { message, messageId: message.id || undefined };
}
