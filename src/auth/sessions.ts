/**
 * Cookie sessions for people signed in with the council's identity provider. The cookie holds a random session
 * id; the store keeps only its SHA-256 (someone who can read Redis cannot take over a session) with the person
 * id, the CSRF token and the expiry. Roles are not stored: they are worked out from council.yaml on every request
 * (access.ts), so a changed directory takes effect at once.
 *
 * CSRF: a request that changes something and is authenticated by the cookie must carry the session's CSRF token
 * in `x-csrf-token` (the page reads it from `GET /auth/session`). The cookie is also `SameSite=Lax` and
 * `HttpOnly`, and `Secure` with the `__Host-` prefix when Probity is served over HTTPS.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kv } from './kv.js';

/** A working day and a bit: long enough not to sign people out mid-afternoon, short enough to end overnight. */
export const DEFAULT_SESSION_SECONDS = 10 * 3600;
/** A sign-in has this long to come back from the identity provider. */
export const LOGIN_SECONDS = 10 * 60;

export interface Session {
  personId: string;
  csrf: string;
  createdAt: number;
  expiresAt: number;
  /** The identity provider's issuer and subject, for the record. */
  issuer: string;
  subject: string;
}

/** What a sign-in in progress remembers between the redirect to the provider and the callback. */
export interface PendingLogin {
  codeVerifier: string;
  nonce: string;
  returnTo: string;
}

const hashId = (id: string) => createHash('sha256').update(id).digest('base64url');
const random = () => randomBytes(32).toString('base64url');

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class SessionStore {
  constructor(
    private readonly kv: Kv,
    readonly lifetimeSeconds = DEFAULT_SESSION_SECONDS,
  ) {}

  /** Start a session; returns the id for the cookie. */
  async create(personId: string, idp: { issuer: string; subject: string }, nowMs: number): Promise<{ id: string; session: Session }> {
    const id = random();
    const session: Session = {
      personId,
      csrf: random(),
      createdAt: nowMs,
      expiresAt: nowMs + this.lifetimeSeconds * 1000,
      issuer: idp.issuer,
      subject: idp.subject,
    };
    await this.kv.set(`session:${hashId(id)}`, JSON.stringify(session), this.lifetimeSeconds);
    return { id, session };
  }

  async get(id: string, nowMs: number): Promise<Session | undefined> {
    const raw = await this.kv.get(`session:${hashId(id)}`);
    if (!raw) return undefined;
    const session = JSON.parse(raw) as Session;
    return session.expiresAt > nowMs ? session : undefined;
  }

  async end(id: string): Promise<void> {
    await this.kv.del(`session:${hashId(id)}`);
  }

  /** Remember a sign-in in progress under its `state`; the browser holds the state in a cookie. */
  async beginLogin(state: string, pending: PendingLogin): Promise<void> {
    await this.kv.set(`login:${hashId(state)}`, JSON.stringify(pending), LOGIN_SECONDS);
  }

  /** The sign-in for `state`, once: a replayed callback finds nothing. */
  async finishLogin(state: string): Promise<PendingLogin | undefined> {
    const raw = await this.kv.take(`login:${hashId(state)}`);
    return raw ? (JSON.parse(raw) as PendingLogin) : undefined;
  }
}
