/** The `Message` shape as JSON input (`.json`, `.jsonl`, stdin): validated, with the defaults a hand-written file expects. */
import { z } from 'zod';
import type { Message } from '../lint/types.js';

const address = z.string();

/** Unknown keys (`expect`, `note`, corpus labels…) are dropped, not refused. */
export const messageSchema = z.object({
  id: z.union([z.string().min(1), z.number().transform(String)]).optional(),
  channel: z.enum(['email', 'slack'], { error: 'expected "email" or "slack"' }),
  from: address,
  to: z.array(address).default([]),
  cc: z.array(address).default([]),
  bcc: z.array(address).default([]),
  subject: z.string().optional(),
  text: z.string().default(''),
  html: z.string().optional(),
  sentAt: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time with an offset, like 2025-03-03T10:12:00Z' }).optional(),
});

export type MessageParse = { ok: true; message: Message } | { ok: false; reason: string };

/** Validate one decoded JSON value; the reason names the field ("to: expected array, received string"). */
export function parseMessage(value: unknown): MessageParse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: `expected a message object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}` };
  }
  const parsed = messageSchema.safeParse(value);
  if (parsed.success) {
    const { id, subject, html, sentAt, ...rest } = parsed.data;
    const message: Message = { ...rest };
    if (id !== undefined) message.id = id;
    if (subject !== undefined) message.subject = subject;
    if (html !== undefined) message.html = html;
    if (sentAt !== undefined) message.sentAt = sentAt;
    return { ok: true, message };
  }
  const reasons = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.') || '(message)';
    const text = issue.message
      .replace(/^Invalid input: /, '')
      .replace(/^expected (\w+), received undefined$/, 'required ($1)');
    return `${path}: ${text}`;
  });
  return { ok: false, reason: reasons.join('; ') };
}
