/**
 * Bearer tokens that carry a role. A token is `pb1.<claims>.<signature>`: base64url JSON claims signed with
 * HMAC-SHA256 under the service's secret (PROBITY_TOKEN_SECRET), so the API keeps no token table and a forged,
 * altered or expired token is refused without a lookup. Issue tokens with `probity token`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const ROLES = ['ce-office', 'authoriser', 'monitoring-officer', 'group-leader', 'officer', 'checker'] as const;
export type Role = (typeof ROLES)[number];

export interface Claims {
  /** Who the token was issued to (a person id from council.yaml, or a service name such as `outlook-addin`). */
  sub: string;
  role: Role;
  /** For `group-leader`: the group whose offers the token may see. */
  group?: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const PREFIX = 'pb1';

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`${PREFIX}.${payload}`).digest('base64url');
}

export function issueToken(secret: string, claims: Claims): string {
  assertSecret(secret);
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${PREFIX}.${payload}.${sign(secret, payload)}`;
}

export type Verified = { ok: true; claims: Claims } | { ok: false; reason: string };

/** `nowSeconds` is passed in so the check is testable and the module stays free of clocks. */
export function verifyToken(secret: string, token: string, nowSeconds: number): Verified {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) return { ok: false, reason: 'malformed token' };
  const [, payload, signature] = parts as [string, string, string];
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid token signature' };
  let claims: Claims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
  } catch {
    return { ok: false, reason: 'malformed token' };
  }
  if (!ROLES.includes(claims.role) || typeof claims.sub !== 'string' || typeof claims.exp !== 'number') {
    return { ok: false, reason: 'malformed token claims' };
  }
  if (claims.role === 'group-leader' && !claims.group) return { ok: false, reason: 'group-leader token without a group' };
  if (claims.exp <= nowSeconds) return { ok: false, reason: 'token expired' };
  return { ok: true, claims };
}

export function assertSecret(secret: string | undefined): asserts secret is string {
  if (!secret || secret.length < 32) throw new Error('PROBITY_TOKEN_SECRET must be set to at least 32 characters');
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Claims;
  }
}

/**
 * A preValidation hook factory (after the rate limit and the body-size check, before schema validation, so a
 * caller without a token hears 401, not a schema error): `requireRole(auth, 'ce-office', 'authoriser')`. Answers 401 for a missing, forged or
 * expired token and 403 for a valid token of the wrong role, with a message that says which.
 */
export interface AuthOptions {
  secret: string;
  now?: () => number;
}

export function requireRole(auth: AuthOptions, ...roles: Role[]) {
  const now = auth.now ?? (() => Date.now());
  return async function authorise(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) {
      await reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorised', message: 'missing bearer token' });
      return;
    }
    const verified = verifyToken(auth.secret, match[1]!, Math.floor(now() / 1000));
    if (!verified.ok) {
      await reply.code(401).header('www-authenticate', 'Bearer error="invalid_token"').send({ error: 'unauthorised', message: verified.reason });
      return;
    }
    if (roles.length > 0 && !roles.includes(verified.claims.role)) {
      await reply.code(403).send({ error: 'forbidden', message: `this route needs one of: ${roles.join(', ')}` });
      return;
    }
    request.principal = verified.claims;
  };
}
