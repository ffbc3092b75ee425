/**
 * Answer links: the link in each offer notice (and each officer's invitation) that lets the person it was sent to
 * answer without signing in. Kept apart from the API's bearer tokens (auth.ts): a link speaks for one person about
 * one offer or invitation, and nothing else.
 *
 * A link is `/answer/ol1.<key id>.<claims>.<signature>`: base64url JSON claims signed with HMAC-SHA256 under one of
 * the keys in PROBITY_LINK_KEYS (`id:secret,id:secret`, the first signs, every one verifies, so a key can be
 * rotated with overlap). The claims name the offer (or invitation), the party, the person, the expiry (the
 * offer's own) and a nonce. Opening the link shows the offer; answering through it claims the nonce in Redis
 * (SET NX), so one link gives one answer: a replayed or forwarded form is refused.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { checkKeyList, DOTLESS_KEY_ID, parseKeyList, type KeyEntry } from '../auth/tokens.js';

export const LINK_PREFIX = 'ol1';
export const ANSWER_PATH = '/answer/';
export type LinkKey = KeyEntry;

/** The keys answer links are signed and verified with: the first signs, all verify. */
export class LinkKeys {
  constructor(readonly keys: LinkKey[]) {
    // As for the API's token keys (one parser and check, auth/tokens.ts); no '.' in an id: it separates the link's parts.
    checkKeyList(keys, 'PROBITY_LINK_KEYS', DOTLESS_KEY_ID);
  }

  get current(): LinkKey {
    return this.keys[0]!;
  }

  find(id: string): LinkKey | undefined {
    return this.keys.find((k) => k.id === id);
  }

  /** `id:secret,id:secret` (the first signs). */
  static parse(raw: string | undefined): LinkKeys {
    return new LinkKeys(parseKeyList(raw, 'PROBITY_LINK_KEYS', DOTLESS_KEY_ID));
  }
}

/** What a link speaks for. `k`: `o` an offer (to a party's contact), `i` an officer's invitation. */
export interface LinkClaims {
  k: 'o' | 'i';
  /** The offer or invitation id. */
  id: string;
  /** The party (group id, `ind-<person>` for an independent member). */
  p: string;
  /** The person the link was sent to. */
  u: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Claimed once, by the first answer given through the link. */
  n: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const mac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest('base64url');

export function signLink(keys: LinkKeys, claims: LinkClaims): string {
  const key = keys.current;
  const head = `${LINK_PREFIX}.${key.id}.${b64(JSON.stringify(claims))}`;
  return `${head}.${mac(key.secret, head)}`;
}

export type LinkCheck =
  | { ok: true; claims: LinkClaims; kid: string }
  | { ok: false; reason: 'malformed' | 'unknown-key' | 'bad-signature' }
  | { ok: false; reason: 'expired'; claims: LinkClaims };

export function verifyLink(keys: LinkKeys, token: string, nowSeconds: number): LinkCheck {
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== LINK_PREFIX) return { ok: false, reason: 'malformed' };
  const [, kid, payload, signature] = parts as [string, string, string, string];
  const key = keys.find(kid);
  if (!key) return { ok: false, reason: 'unknown-key' };
  const expected = Buffer.from(mac(key.secret, `${LINK_PREFIX}.${kid}.${payload}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad-signature' };
  let claims: LinkClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as LinkClaims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const str = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 100;
  if ((claims.k !== 'o' && claims.k !== 'i') || !str(claims.id) || !str(claims.p) || !str(claims.u) || !str(claims.n) || typeof claims.exp !== 'number') {
    return { ok: false, reason: 'malformed' };
  }
  if (claims.exp <= nowSeconds) return { ok: false, reason: 'expired', claims };
  return { ok: true, claims, kid };
}

/**
 * Makes the links that go into notices. The nonce is derived from the notice and the person, so a notice re-sent
 * after a crash carries the same link.
 */
export class LinkSigner {
  constructor(
    readonly keys: LinkKeys,
    private readonly publicUrl: string,
  ) {}

  private nonce(noticeId: string, person: string): string {
    return mac(this.keys.current.secret, `nonce.${noticeId}.${person}`).slice(0, 22);
  }

  url(token: string): string {
    return `${this.publicUrl.replace(/\/$/, '')}${ANSWER_PATH}${token}`;
  }

  offer(input: { offerId: string; party: string; person: string; expiresAt: string; noticeId: string }): string {
    return this.url(
      signLink(this.keys, {
        k: 'o',
        id: input.offerId,
        p: input.party,
        u: input.person,
        exp: Math.floor(Date.parse(input.expiresAt) / 1000),
        n: this.nonce(input.noticeId, input.person),
      }),
    );
  }

  invitation(input: { invitationId: string; party: string; person: string; expiresAt: string; noticeId: string }): string {
    return this.url(
      signLink(this.keys, {
        k: 'i',
        id: input.invitationId,
        p: input.party,
        u: input.person,
        exp: Math.floor(Date.parse(input.expiresAt) / 1000),
        n: this.nonce(input.noticeId, input.person),
      }),
    );
  }
}

/** The record of which link nonces have given their answer. */
export interface NonceStore {
  /** Claim the nonce for this answer; resolves to the earlier answer's record when it was already used. */
  claim(nonce: string, record: string, ttlMs: number): Promise<string | undefined>;
  /** Give the nonce back (the answer it was claimed for was refused). */
  release(nonce: string): Promise<void>;
  used(nonce: string): Promise<string | undefined>;
}

export function redisNonceStore(redis: Redis, prefix: string): NonceStore {
  const key = (nonce: string) => `${prefix}:link-used:${nonce}`;
  return {
    async claim(nonce, record, ttlMs) {
      const set = await redis.set(key(nonce), record, 'PX', Math.max(1000, Math.round(ttlMs)), 'NX');
      return set === 'OK' ? undefined : ((await redis.get(key(nonce))) ?? record);
    },
    async release(nonce) {
      await redis.del(key(nonce));
    },
    async used(nonce) {
      return (await redis.get(key(nonce))) ?? undefined;
    },
  };
}
