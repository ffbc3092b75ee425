/**
 * Who is calling, and may they call this route. Two ways in:
 *
 * - a cookie session, for people signed in with the council's identity provider (sign-in.route.ts). Their roles
 *   come from council.yaml on every request; a request that changes something must carry the session's CSRF
 *   token in `x-csrf-token`.
 * - a bearer token, for machines (scripts): a JWT signed with a key from the keyring (src/auth/tokens.ts), for
 *   this audience, not revoked, and, for any role but `checker`, held by a person who has that role (and, for a
 *   group leader, that party) in council.yaml today.
 * - for `POST /v1/check` only, an Outlook user's own single sign-on token (src/auth/addin-sso.ts): signed by the
 *   council's identity provider for the add-in; the caller checks as that person (council.yaml's, when it names
 *   them) in the `checker` role.
 *
 * `requireRole(auth, 'ce-office', 'authoriser')` is a preValidation hook (after the rate limit and the body-size
 * check, before schema validation, so a caller without credentials hears 401, not a schema error). It answers 401
 * for missing, forged, expired, revoked or disowned credentials and 403 for a caller without any of the route's
 * roles or without the CSRF token, with a message that says which. A person with several roles acts in the first
 * of them (access.ts's ROLE_PRECEDENCE) that the route allows.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ROLE_PRECEDENCE, type Access } from '../briefings/access.js';
import { isProviderToken, type AddinSso, type SsoOutcome } from '../auth/addin-sso.js';
import type { Identity } from '../briefings/access.js';
import type { RevocationList } from '../auth/kv.js';
import type { SessionStore } from '../auth/sessions.js';
import { sameSecret } from '../auth/sessions.js';
import { keyring, verifyToken, type Audience, type Keyring, type Role, type VerifiedClaims } from '../auth/tokens.js';

export { assertSecret, issueToken, ROLES, verifyToken, type Claims, type Role } from '../auth/tokens.js';

export interface AuthOptions {
  /** One signing secret (kid `primary`); or `keys` for a keyring with rotation. */
  secret?: string;
  keys?: Keyring;
  /** What tokens must be for on these routes (default `briefings`). */
  audience?: Audience;
  revoked?: RevocationList;
  sessions?: SessionStore;
  /** The session cookie's name (sign-in.route.ts's `sessionCookieName`). */
  cookieName?: string;
  /** A person's roles from council.yaml. Without it (a check-only app) a token's signed role is taken as it is. */
  access?: (personId: string) => Access | undefined;
  /** The Outlook add-in's single sign-on (accepted on the `check` audience only). */
  sso?: AddinSso;
  /** The council.yaml person id for a signed-in identity (personForIdentity), for single sign-on. */
  personFor?: (identity: Identity) => string | undefined;
  /** Told of every machine token that verifies (credential-watch.ts reports those about to expire). */
  onToken?: (claims: VerifiedClaims) => void;
  now?: () => number;
}

export interface Principal {
  /** A person id, or a service name for a checker token. */
  sub: string;
  /** The role this request acts in. */
  role: Role;
  roles: Role[];
  group?: string;
  via: 'token' | 'session' | 'sso';
  /** The token's id (`jti`), for a bearer token. */
  tokenId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export const DEFAULT_SESSION_COOKIE = 'probity-session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

type Outcome = { ok: true; principal: Omit<Principal, 'role'> } | { ok: false; status: 401 | 403 | 503; message: string };

/** Redis (sessions, the revocation list) is unreachable: say so, as the ledger's routes do, and let the caller retry. */
const UNAVAILABLE: Outcome = { ok: false, status: 503, message: 'sign-in cannot be checked just now; try again shortly' };

function ringOf(auth: AuthOptions): Keyring {
  if (auth.keys) return auth.keys;
  if (!auth.secret) throw new Error('auth needs a secret or a keyring');
  return keyring(auth.secret);
}

/** One verification per request, shared by the rate limit's key and the route's auth. */
const ssoChecks = new WeakMap<FastifyRequest, Promise<SsoOutcome>>();

function verifySso(sso: AddinSso, request: FastifyRequest, token: string, nowMs: number): Promise<SsoOutcome> {
  let check = ssoChecks.get(request);
  if (!check) {
    check = sso.verify(token, nowMs);
    ssoChecks.set(request, check);
  }
  return check;
}

/** Whom a verified single sign-on speaks for: the council.yaml person, else the provider's own id for them. */
function ssoSubject(auth: AuthOptions, outcome: Extract<SsoOutcome, { ok: true }>): string {
  return auth.personFor?.(outcome.identity) ?? `sso:${outcome.subject}`;
}

async function fromSso(auth: AuthOptions, request: FastifyRequest, token: string, nowMs: number): Promise<Outcome> {
  if ((auth.audience ?? 'briefings') !== 'check') return { ok: false, status: 401, message: 'a single sign-on token is accepted for checks only' };
  const outcome = await verifySso(auth.sso!, request, token, nowMs);
  if (!outcome.ok) return outcome;
  return { ok: true, principal: { sub: ssoSubject(auth, outcome), roles: ['checker'], via: 'sso' } };
}

async function fromToken(auth: AuthOptions, request: FastifyRequest, token: string, nowMs: number): Promise<Outcome> {
  if (auth.sso && isProviderToken(token)) return fromSso(auth, request, token, nowMs);
  const verified = verifyToken(ringOf(auth), token, Math.floor(nowMs / 1000));
  if (!verified.ok) return { ok: false, status: 401, message: verified.reason };
  const c = verified.claims;
  const audience = auth.audience ?? 'briefings';
  if (!c.aud.includes(audience)) return { ok: false, status: 401, message: `this token is for ${c.aud.join(' and ')}, not ${audience}` };
  if (auth.revoked) {
    let revoked: boolean;
    try {
      revoked = await auth.revoked.isRevoked(c.jti);
    } catch {
      // A check grants nothing and the Outlook add-in must not go silent while Redis restarts: checks go on. Any
      // other route waits for the revocation list.
      if (audience !== 'check' || c.role !== 'checker') return UNAVAILABLE;
      revoked = false;
    }
    if (revoked) return { ok: false, status: 401, message: 'token revoked' };
  }
  // A checker token may be a service's (a script, an intranet); every other role must be a person's, in council.yaml today.
  const access = auth.access?.(c.sub);
  if (auth.access && (c.role !== 'checker' || access)) {
    if (!access) return { ok: false, status: 401, message: `the token's holder "${c.sub}" is not in council.yaml` };
    if (!access.roles.includes(c.role)) return { ok: false, status: 401, message: `${access.person.name} does not have the ${c.role} role in council.yaml` };
    if (c.role === 'group-leader' && c.group !== access.party) {
      return { ok: false, status: 401, message: `${access.person.name} does not speak for "${c.group}" in council.yaml` };
    }
  }
  auth.onToken?.(c);
  return { ok: true, principal: { sub: c.sub, roles: [c.role], ...(c.group ? { group: c.group } : {}), via: 'token', tokenId: c.jti } };
}

async function fromSession(auth: AuthOptions, request: FastifyRequest, id: string, nowMs: number): Promise<Outcome> {
  let session;
  try {
    session = await auth.sessions!.get(id, nowMs);
  } catch {
    return UNAVAILABLE;
  }
  if (!session) return { ok: false, status: 401, message: 'your session has ended; sign in again' };
  const access = auth.access?.(session.personId);
  if (!access) return { ok: false, status: 401, message: 'you are no longer in council.yaml; ask the office' };
  if (!SAFE_METHODS.has(request.method)) {
    const given = request.headers[CSRF_HEADER];
    if (typeof given !== 'string' || !sameSecret(given, session.csrf)) {
      return { ok: false, status: 403, message: `missing or wrong CSRF token (${CSRF_HEADER}); reload the page` };
    }
  }
  return { ok: true, principal: { sub: access.person.id, roles: access.roles, ...(access.party ? { group: access.party } : {}), via: 'session' } };
}

/**
 * Whom a request's rate limit is kept for: the holder of a bearer token that verifies (signature and expiry), or a
 * signed-in person, else the client address. A made-up, expired or malformed token or cookie costs its sender's
 * address, so sending a new one each time buys no fresh budget; and people who share the council's outbound
 * address do not share one budget. (Runs before the cookie plugin, so it reads the Cookie header itself.)
 */
export async function rateLimitKey(auth: AuthOptions, request: FastifyRequest): Promise<string> {
  const now = (auth.now ?? Date.now)();
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (bearer && auth.sso && isProviderToken(bearer)) {
    const outcome = await verifySso(auth.sso, request, bearer, now);
    return outcome.ok ? `user:${ssoSubject(auth, outcome)}` : `ip:${request.ip}`;
  }
  if (bearer) {
    const verified = verifyToken(ringOf(auth), bearer, Math.floor(now / 1000));
    return verified.ok ? `user:${verified.claims.sub}` : `ip:${request.ip}`;
  }
  const name = auth.cookieName ?? DEFAULT_SESSION_COOKIE;
  const cookie = auth.sessions ? new RegExp(`(?:^|;\\s*)${name}=([^;]+)`).exec(request.headers.cookie ?? '')?.[1] : undefined;
  if (cookie) {
    const session = await auth.sessions!.get(decodeURIComponent(cookie), now).catch(() => undefined);
    if (session) return `user:${session.personId}`;
  }
  return `ip:${request.ip}`;
}

/** Who is calling (without a role check), or why not. */
export async function authenticate(auth: AuthOptions, request: FastifyRequest): Promise<Outcome> {
  const now = (auth.now ?? Date.now)();
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return { ok: false, status: 401, message: 'missing bearer token' };
    return fromToken(auth, request, match[1]!, now);
  }
  const cookie = auth.sessions
    ? (request as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies?.[auth.cookieName ?? DEFAULT_SESSION_COOKIE]
    : undefined;
  if (cookie) return fromSession(auth, request, cookie, now);
  return { ok: false, status: 401, message: 'missing bearer token' };
}

export function requireRole(auth: AuthOptions, ...roles: Role[]) {
  return async function authorise(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const outcome = await authenticate(auth, request);
    if (!outcome.ok) {
      if (outcome.status === 401) {
        const challenge = outcome.message === 'missing bearer token' ? 'Bearer' : 'Bearer error="invalid_token"';
        await reply.code(401).header('www-authenticate', challenge).send({ error: 'unauthorised', message: outcome.message });
      } else if (outcome.status === 503) {
        await reply.code(503).header('retry-after', '5').send({ error: 'unavailable', message: outcome.message });
      } else {
        await reply.code(403).send({ error: 'forbidden', message: outcome.message });
      }
      return;
    }
    const held = outcome.principal.roles;
    const role = roles.length === 0 ? held[0] : ROLE_PRECEDENCE.find((r) => held.includes(r) && roles.includes(r));
    if (!role) {
      await reply.code(403).send({ error: 'forbidden', message: `this route needs one of: ${roles.join(', ')}` });
      return;
    }
    request.principal = { ...outcome.principal, role };
  };
}
