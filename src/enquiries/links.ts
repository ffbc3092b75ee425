/**
 * One-click links in reminders: `act?t=<token>`, where the token is HMAC-SHA256-signed JSON naming the enquiry, the
 * action, the officer it was sent to and an expiry. No token table: a forged, altered or expired link is refused
 * without a lookup. The secret is the API's (PROBITY_TOKEN_SECRET); the prefix keeps these apart from bearer tokens.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkAction = 'acknowledge' | 'answered';
export interface LinkClaims {
  enquiry: string;
  action: LinkAction;
  /** The officer the link was sent to: the event records them. */
  by: string;
  exp: number;
}

const PREFIX = 'pe1';

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`${PREFIX}.${payload}`).digest('base64url');
}

export function signLink(secret: string, claims: LinkClaims): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${PREFIX}.${payload}.${sign(secret, payload)}`;
}

export function verifyLink(secret: string, token: string, nowSeconds: number): { ok: true; claims: LinkClaims } | { ok: false; reason: string } {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) return { ok: false, reason: 'malformed link' };
  const expected = Buffer.from(sign(secret, parts[1]!));
  const given = Buffer.from(parts[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'this link has been altered' };
  let claims: LinkClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as LinkClaims;
  } catch {
    return { ok: false, reason: 'malformed link' };
  }
  if (typeof claims.enquiry !== 'string' || typeof claims.by !== 'string' || !['acknowledge', 'answered'].includes(claims.action))
    return { ok: false, reason: 'malformed link' };
  if (claims.exp <= nowSeconds) return { ok: false, reason: 'this link has expired' };
  return { ok: true, claims };
}
