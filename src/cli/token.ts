/**
 * `probity token`: issue a signed bearer token for the API (the Outlook add-in, a group leader, the office).
 * The secret comes from PROBITY_TOKEN_SECRET, never from the command line (it would land in shell history).
 */
import { ROLES, assertSecret, issueToken, type Role } from '../http/auth.js';
import { InputError } from '../mail/errors.js';
import { EXIT, type Io } from './io.js';

export interface TokenOptions {
  role: string;
  sub: string;
  group?: string;
  days: string;
}

const MAX_DAYS = 3650;

export async function token(options: TokenOptions, io: Io, nowMs: number): Promise<number> {
  if (!(ROLES as readonly string[]).includes(options.role)) throw new InputError(`--role must be one of: ${ROLES.join(', ')}`);
  if (options.role === 'group-leader' && !options.group) throw new InputError('a group-leader token needs --group <group id>');
  const days = Number(options.days);
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw new InputError(`--days must be a whole number from 1 to ${MAX_DAYS}`);
  const secret = io.env.PROBITY_TOKEN_SECRET;
  try {
    assertSecret(secret);
  } catch (err) {
    throw new InputError((err as Error).message);
  }
  const exp = Math.floor(nowMs / 1000) + days * 86_400;
  const claims = { sub: options.sub, role: options.role as Role, exp, ...(options.group ? { group: options.group } : {}) };
  io.stdout.write(`${issueToken(secret, claims)}\n`);
  io.stderr.write(`probity: ${options.role} token for ${options.sub}${options.group ? ` (group ${options.group})` : ''}, valid ${days} days\n`);
  return EXIT.ok;
}
