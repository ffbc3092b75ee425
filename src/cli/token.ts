/**
 * `probity token`: issue a bearer token for a machine or a script, and `probity token revoke` to withdraw one.
 *
 * A token is only issued for someone council.yaml gives the role: a person with that role (a group-leader token
 * for the party that person speaks for), or, for a `checker` token, a service such as a script (`nightly-audit`). The API
 * checks the same again on every request, so a token stops working when council.yaml stops backing it.
 *
 * The keys come from PROBITY_TOKEN_KEYS or PROBITY_TOKEN_SECRET, never from the command line (they would land in
 * shell history). Revocation writes the token's id to Redis (REDIS_URL, PROBITY_AUTH_PREFIX), where the API
 * looks on every request.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accessOf } from '../briefings/access.js';
import { briefingSettings } from '../briefings/settings.js';
import { parseCouncil, type Council } from '../directory/council.js';
import {
  AUDIENCES,
  defaultAudience,
  issueToken,
  keyringFromEnv,
  newTokenId,
  ROLES,
  SecretError,
  verifyToken,
  type Audience,
  type Keyring,
  type Role,
} from '../auth/tokens.js';
import { InputError } from '../mail/errors.js';
import { EXIT, type Io } from './io.js';

export interface TokenOptions {
  role: string;
  sub: string;
  group?: string;
  days: string;
  audience?: string;
  council?: string;
}

/** A year: a machine's token is re-issued at least that often (and rotated keys retire older ones). */
const MAX_DAYS = 366;
export const DEFAULT_AUTH_PREFIX = 'probity:auth';

function keys(io: Io): Keyring {
  try {
    return keyringFromEnv(io.env);
  } catch (err) {
    if (err instanceof SecretError) throw new InputError(err.message);
    throw err;
  }
}

/** council.yaml for tokens: given, or $PROBITY_COUNCIL, or ./council.yaml; never the fictional example. */
function council(option: string | undefined, io: Io): { council: Council; file: string } {
  const file = option ?? io.env.PROBITY_COUNCIL ?? (existsSync(join(io.cwd, 'council.yaml')) ? join(io.cwd, 'council.yaml') : undefined);
  if (!file) throw new InputError('tokens are issued for people in your council.yaml: give --council or PROBITY_COUNCIL');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`council file not readable: ${file}`);
  }
  return { council: parseCouncil(text, file), file };
}

/** Who the token is for, as council.yaml has it; throws an InputError saying why not. */
export function tokenSubject(c: Council, role: Role, sub: string, group: string | undefined): { group?: string; name: string } {
  const access = accessOf(c, briefingSettings(c), sub);
  if (role === 'checker' && !access) {
    if (group) throw new InputError('a checker token has no --group');
    return { name: `the service "${sub}"` };
  }
  if (!access) throw new InputError(`"${sub}" is not a person in council.yaml (a token for a service can only be a checker token)`);
  const name = access.person.name;
  if (!access.roles.includes(role)) throw new InputError(`${name} does not have the ${role} role in council.yaml (they have: ${access.roles.join(', ')})`);
  if (role !== 'group-leader') {
    if (group) throw new InputError(`--group is only for a group-leader token`);
    return { name };
  }
  if (group && group !== access.party) throw new InputError(`${name} speaks for "${access.party}" in council.yaml, not "${group}"`);
  return { group: access.party!, name };
}

function audiences(option: string | undefined, role: Role): Audience[] {
  if (!option) return defaultAudience(role);
  const list = option.split(',').map((a) => a.trim());
  for (const a of list)
    if (!(AUDIENCES as readonly string[]).includes(a)) throw new InputError(`--audience must be ${AUDIENCES.join(' and/or ')}, comma-separated`);
  if (role === 'checker' && list.includes('briefings')) throw new InputError('a checker token is for check only');
  return [...new Set(list)] as Audience[];
}

export async function token(options: TokenOptions, io: Io, nowMs: number): Promise<number> {
  if (!(ROLES as readonly string[]).includes(options.role)) throw new InputError(`--role must be one of: ${ROLES.join(', ')}`);
  const role = options.role as Role;
  const days = Number(options.days);
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw new InputError(`--days must be a whole number from 1 to ${MAX_DAYS}`);
  const ring = keys(io);
  const { council: c } = council(options.council, io);
  const subject = tokenSubject(c, role, options.sub, options.group);
  const aud = audiences(options.audience, role);
  const now = Math.floor(nowMs / 1000);
  const jti = newTokenId();
  const exp = now + days * 86_400;
  io.stdout.write(`${issueToken(ring, { sub: options.sub, role, exp, jti, aud, ...(subject.group ? { group: subject.group } : {}) }, now)}\n`);
  io.stderr.write(
    `probity: ${role} token for ${subject.name}${subject.group ? ` (party ${subject.group})` : ''}, for ${aud.join(' and ')}, valid ${days} days, key ${ring.current.kid}, id ${jti}\n` +
      `probity: to withdraw it: probity token revoke ${jti}\n`,
  );
  return EXIT.ok;
}

export interface RevokeOptions {
  /** Keep the revocation this many days when only the id is given (the token's own expiry is not known). */
  days?: string;
}

/**
 * Put a token on the revocation list: give the token itself (its id and expiry are read from it, so the entry
 * lasts exactly as long as the token would have) or its id from `probity token`'s output.
 */
export async function revoke(tokenOrId: string, options: RevokeOptions, io: Io, nowMs: number): Promise<number> {
  const now = Math.floor(nowMs / 1000);
  let jti = tokenOrId.trim();
  let exp = now + Number(options.days ?? MAX_DAYS) * 86_400;
  if (jti.split('.').length === 3) {
    const verified = verifyToken(keys(io), jti, now);
    if (!verified.ok) {
      if (verified.reason === 'token expired') {
        io.stderr.write('probity: that token has expired already; nothing to revoke\n');
        return EXIT.ok;
      }
      throw new InputError(`not a token of this Probity: ${verified.reason}`);
    }
    jti = verified.claims.jti;
    exp = verified.claims.exp;
  } else if (!/^[A-Za-z0-9_-]{8,64}$/.test(jti)) {
    throw new InputError('give the token, or its id as `probity token` printed it');
  }
  const { Redis } = await import('ioredis');
  const { RedisKv, RevocationList } = await import('../auth/kv.js');
  const redis = new Redis(io.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined); // reported through the failed command below
  try {
    await redis.connect();
    await new RevocationList(new RedisKv(redis, io.env.PROBITY_AUTH_PREFIX ?? DEFAULT_AUTH_PREFIX)).revoke(jti, exp, now);
  } catch (err) {
    throw new InputError(`could not reach Redis to revoke the token (${(err as Error).message.split('\n')[0]})`);
  } finally {
    redis.disconnect();
  }
  io.stderr.write(`probity: token ${jti} revoked; the API refuses it from now on\n`);
  return EXIT.ok;
}
