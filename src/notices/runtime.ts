/** Small pieces the API and the notice worker share: record ids and the notices' From. */
import { randomBytes } from 'node:crypto';

/** `Name <address>` or a bare address. */
export function parseFrom(raw: string): { name: string; email: string } {
  const m = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(raw);
  return m ? { name: m[1]!.replace(/^"|"$/g, '') || m[2]!, email: m[2]! } : { name: raw.trim(), email: raw.trim() };
}

/** Record ids: a prefix and 10 random hex digits (never all digits, never a ':', safe as BullMQ job ids). */
export function randomId(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}
