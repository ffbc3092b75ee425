/**
 * Bearer tokens for machines (the Outlook add-in, scripts) and for people who script the API. A token is a JWT
 * (JWS compact form, HS256): header `{alg, typ, kid}`, claims `{iss, aud, sub, jti, iat, exp, role, group?}`.
 *
 * - `kid` names the key that signed it. The keyring holds the current key (which signs) and older keys (which
 *   still verify), so a secret is rotated with overlap: add the new key first, re-issue, then drop the old one.
 * - `aud` says what the token is for: `briefings` (the briefing API) and/or `check` (`POST /v1/check`). The
 *   add-in's token, served in public JavaScript, is `check` only.
 * - `jti` is the token's id: `probity token revoke <id>` puts it on the revocation list (Redis), which every
 *   request consults.
 *
 * People sign in to the page with the council's identity provider (see oidc.ts and sessions.ts); these tokens are
 * not how people use the page.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const ROLES = ['ce-office', 'authoriser', 'monitoring-officer', 'group-leader', 'officer', 'checker'] as const;
export type Role = (typeof ROLES)[number];

export const AUDIENCES = ['briefings', 'check'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const ISSUER = 'probity';

export interface Claims {
  /** Who the token was issued to: a person id from council.yaml, or a service name for a `checker` token. */
  sub: string;
  role: Role;
  /** For `group-leader`: the party (group id, or an independent's party id) the token speaks for. */
  group?: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Token id, for revocation. Random when not given. */
  jti?: string;
  /** What the token may be used for. Default: `check` for a checker token, both otherwise. */
  aud?: Audience[];
  /** Issued at, seconds since the epoch. */
  iat?: number;
}

/** The claims of a verified token: every optional field filled. */
export type VerifiedClaims = Required<Omit<Claims, 'group'>> & Pick<Claims, 'group'>;

export interface SigningKey {
  kid: string;
  secret: string;
}

/** The current key signs; every key in `keys` (current included) verifies. */
export interface Keyring {
  current: SigningKey;
  keys: SigningKey[];
}

/**
 * Secrets that have been published (in `.env.example`, in the docs) and so are no secret at all. Refused
 * wherever a secret is read; a test holds this list against `.env.example`.
 */
export const PUBLISHED_SECRETS = ['change-me-to-at-least-32-random-characters'];
/** Fewer different characters than this in 32 or more is a placeholder, not a random secret. */
const MIN_DISTINCT_CHARACTERS = 10;

export class SecretError extends Error {}

/** Refuse a missing, short, published or placeholder secret, naming the setting. */
export function assertSecret(secret: string | undefined, setting = 'PROBITY_TOKEN_SECRET'): asserts secret is string {
  if (!secret || secret.length < 32) throw new SecretError(`${setting} must be set to at least 32 characters`);
  if (PUBLISHED_SECRETS.includes(secret) || /change-?me|example|placeholder|your-secret/i.test(secret)) {
    throw new SecretError(`${setting} is the example value from the documentation; generate one with: openssl rand -hex 32`);
  }
  if (new Set(secret).size < MIN_DISTINCT_CHARACTERS) {
    throw new SecretError(`${setting} is not random enough (${new Set(secret).size} different characters); generate one with: openssl rand -hex 32`);
  }
}

/** A key in a rotation list: its id and its secret. */
export interface KeyEntry {
  id: string;
  secret: string;
}

/** What a key id may be: the tokens' allow '.'; the answer links' and the queue's do not (it separates parts). */
export interface KeyIdRule {
  pattern: RegExp;
  /** In words, for the error: `letters, digits, '_' or '-'`. */
  words: string;
}

const TOKEN_KID: KeyIdRule = { pattern: /^[A-Za-z0-9._-]{1,40}$/, words: "letters, digits, '.', '_' or '-'" };
/** Key ids that never contain '.', for values that join parts with it. */
export const DOTLESS_KEY_ID: KeyIdRule = { pattern: /^[A-Za-z0-9_-]{1,32}$/, words: "1–32 letters, digits, '_' or '-'" };

/**
 * Check a rotation list, naming the setting: at least one key, each id by the rule, each secret as assertSecret
 * wants it (so no published or placeholder secret anywhere), no id twice.
 */
export function checkKeyList(keys: readonly KeyEntry[], setting: string, rule: KeyIdRule = TOKEN_KID): void {
  if (keys.length === 0) throw new SecretError(`${setting}: at least one key is needed`);
  keys.forEach((k, i) => {
    if (!rule.pattern.test(k.id)) throw new SecretError(`${setting}: entry ${i + 1} must be id:secret, the id ${rule.words} (got "${k.id.slice(0, 40)}")`);
    assertSecret(k.secret, `${setting} (key "${k.id}")`);
  });
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new SecretError(`${setting}: a key id is given twice`);
}

/**
 * The one parser of Probity's key lists (PROBITY_TOKEN_KEYS, PROBITY_LINK_KEYS, PROBITY_QUEUE_KEYS): `id:secret`
 * pairs separated by commas, the current key first (`2026-12:…,2026-06:…`), so a key is rotated with overlap.
 */
export function parseKeyList(raw: string | undefined, setting: string, rule: KeyIdRule = TOKEN_KID): KeyEntry[] {
  if (!raw?.trim()) throw new SecretError(`${setting} must be set: \`id:secret\` (a secret of 32+ random characters), comma-separated to rotate`);
  const keys = raw.split(',').map((pair, i) => {
    const at = pair.indexOf(':');
    if (at < 1) throw new SecretError(`${setting}: entry ${i + 1} must be id:secret, the id ${rule.words}`);
    return { id: pair.slice(0, at).trim(), secret: pair.slice(at + 1).trim() };
  });
  checkKeyList(keys, setting, rule);
  return keys;
}

/**
 * The keyring from the environment: `PROBITY_TOKEN_KEYS` (parseKeyList's form, the same as the answer links'
 * PROBITY_LINK_KEYS); without it, `PROBITY_TOKEN_SECRET` is the only key, with kid `primary`.
 */
export function keyringFromEnv(env: NodeJS.ProcessEnv): Keyring {
  if (!env.PROBITY_TOKEN_KEYS?.trim()) {
    const secret = env.PROBITY_TOKEN_SECRET;
    assertSecret(secret);
    return keyring(secret);
  }
  const keys = parseKeyList(env.PROBITY_TOKEN_KEYS, 'PROBITY_TOKEN_KEYS').map((k) => ({ kid: k.id, secret: k.secret }));
  return { current: keys[0]!, keys };
}

/** A keyring from one secret (kid `primary`), or the keyring itself. */
export function keyring(secretOrKeys: string | Keyring): Keyring {
  if (typeof secretOrKeys !== 'string') return secretOrKeys;
  const key = { kid: 'primary', secret: secretOrKeys };
  return { current: key, keys: [key] };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function hmac(secret: string, signingInput: string): string {
  return createHmac('sha256', secret).update(signingInput).digest('base64url');
}

export function defaultAudience(role: Role): Audience[] {
  return role === 'checker' ? ['check'] : ['briefings', 'check'];
}

export function newTokenId(): string {
  return randomBytes(12).toString('base64url');
}

/** Sign a token with the keyring's current key. `nowSeconds` fills `iat` when it is not given. */
export function issueToken(secretOrKeys: string | Keyring, claims: Claims, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const ring = keyring(secretOrKeys);
  assertSecret(ring.current.secret);
  const full: VerifiedClaims = {
    iss: ISSUER,
    jti: claims.jti ?? newTokenId(),
    iat: claims.iat ?? nowSeconds,
    aud: claims.aud ?? defaultAudience(claims.role),
    sub: claims.sub,
    role: claims.role,
    exp: claims.exp,
    ...(claims.group ? { group: claims.group } : {}),
  } as VerifiedClaims;
  const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: ring.current.kid })}.${b64(full)}`;
  return `${input}.${hmac(ring.current.secret, input)}`;
}

export type Verified = { ok: true; claims: VerifiedClaims; kid: string } | { ok: false; reason: string };

function parsePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Check a token's form, key, signature, issuer, expiry and claims. `nowSeconds` is passed in so the module reads
 * no clock. Revocation and whether the holder still has the role in council.yaml are checked by the caller.
 */
export function verifyToken(secretOrKeys: string | Keyring, token: string, nowSeconds: number): Verified {
  const ring = keyring(secretOrKeys);
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed token' };
  const [h, p, signature] = parts as [string, string, string];
  const header = parsePart(h);
  if (!header || header.alg !== 'HS256' || typeof header.kid !== 'string') return { ok: false, reason: 'malformed token' };
  const key = ring.keys.find((k) => k.kid === header.kid);
  if (!key) return { ok: false, reason: `token signed with an unknown key ("${String(header.kid).slice(0, 40)}")` };
  const expected = Buffer.from(hmac(key.secret, `${h}.${p}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid token signature' };
  const c = parsePart(p);
  if (!c) return { ok: false, reason: 'malformed token' };
  const aud = c.aud;
  if (
    c.iss !== ISSUER ||
    typeof c.sub !== 'string' ||
    !c.sub ||
    typeof c.jti !== 'string' ||
    typeof c.exp !== 'number' ||
    typeof c.iat !== 'number' ||
    !ROLES.includes(c.role as Role) ||
    !Array.isArray(aud) ||
    aud.length === 0 ||
    !aud.every((a) => AUDIENCES.includes(a as Audience)) ||
    (c.group !== undefined && typeof c.group !== 'string')
  ) {
    return { ok: false, reason: 'malformed token claims' };
  }
  if (c.role === 'group-leader' && !c.group) return { ok: false, reason: 'group-leader token without a group' };
  if (c.exp <= nowSeconds) return { ok: false, reason: 'token expired' };
  return { ok: true, claims: c as unknown as VerifiedClaims, kid: key.kid };
}

/** A short, stable fingerprint of a secret for logs and listings (never the secret). */
export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12);
}
