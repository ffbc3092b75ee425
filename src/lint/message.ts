/**
 * A message, the engine's input, defined once: this zod schema gives the `Message` type, validates a message read
 * by `probity check` (JSON and JSON Lines) and the body of `POST /v1/check` (src/http/contract.ts adds the HTTP
 * limits), and generates the OpenAPI document's `Message`. Type-only for the engine itself, which loads no zod.
 */
import { z } from 'zod';

const address = z.string().describe('An email address (a display name is allowed: "Name <a@b>") or a Slack user id');

export const messageSchema = z
  .object({
    id: z.string().min(1).optional().describe("The caller's own id for the message, echoed back"),
    channel: z.enum(['email', 'slack'], { error: 'expected "email" or "slack"' }),
    from: address,
    to: z.array(address).default([]),
    cc: z.array(address).default([]),
    bcc: z.array(address).default([]),
    subject: z.string().optional(),
    text: z.string().default('').describe('The body as plain text'),
    html: z.string().optional().describe('The body as HTML, for HTML-only mail'),
    sentAt: z.iso
      .datetime({ offset: true, error: 'expected an ISO 8601 date-time with an offset, like 2025-03-03T10:12:00Z' })
      .optional()
      .describe('When it was sent (ISO 8601 with offset); used by `out-of-hours`'),
  })
  .meta({ id: 'Message', description: 'A message to check: who it is from and to, and what it says.' });

export type Message = z.output<typeof messageSchema>;
