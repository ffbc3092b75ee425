/** The `Message` shape as JSON input (`.json`, `.jsonl`, stdin): validated, with the defaults a hand-written file expects. */
import { z } from 'zod';
import { messageSchema as engineMessage, type Message } from '../lint/message.js';

/**
 * The engine's message schema, with a number accepted as an id (corpus files number their messages). Unknown keys
 * (`expect`, `note`, corpus labels…) are dropped, not refused.
 */
export const messageSchema = engineMessage.extend({
  id: z.union([z.string().min(1), z.number().transform(String)]).optional(),
});

export type MessageParse = { ok: true; message: Message } | { ok: false; reason: string };

/** Validate one decoded JSON value; the reason names the field ("to: expected array, received string"). */
export function parseMessage(value: unknown): MessageParse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: `expected a message object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}` };
  }
  const parsed = messageSchema.safeParse(value);
  if (parsed.success) {
    // Absent optional fields stay absent (not `undefined`), as a hand-written message has them.
    const message = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as Message;
    return { ok: true, message };
  }
  const reasons = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.') || '(message)';
    const text = issue.message.replace(/^Invalid input: /, '').replace(/^expected (\w+), received undefined$/, 'required ($1)');
    return `${path}: ${text}`;
  });
  return { ok: false, reason: reasons.join('; ') };
}
