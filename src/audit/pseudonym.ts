/**
 * How people appear in an audit: by default as stable keyed hashes (HMAC-SHA256), so the same person has the same
 * pseudonym in every report made with the same key and nobody can reverse it without the key; names only when the
 * Monitoring Officer asks for them (`--names`). A person the directory knows is hashed by their directory id, so
 * their email address and their Slack id give one pseudonym.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { resolve, type Council } from '../directory/council.js';

export type SenderRole = 'councillor' | 'officer' | 'external';

export interface PseudonymKey {
  key: Buffer;
  /** Where it came from: a random key makes pseudonyms that match no other run. */
  source: 'option' | 'env' | 'random';
}

export function pseudonymKey(option: string | undefined, env: NodeJS.ProcessEnv): PseudonymKey {
  if (option) return { key: Buffer.from(option, 'utf8'), source: 'option' };
  if (env.PROBITY_AUDIT_KEY) return { key: Buffer.from(env.PROBITY_AUDIT_KEY, 'utf8'), source: 'env' };
  return { key: randomBytes(32), source: 'random' };
}

/** Identifies a key without giving it away, so a resumed audit can check it has the same one. */
export function keyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('probity-audit-key-fingerprint').digest('hex').slice(0, 16);
}

export interface People {
  role(address: string): SenderRole;
  /** `officer-3f9a2c1b07` (pseudonymised) or the directory name / the address (`--names`). */
  label(address: string): string;
}

export function people(council: Council, key: Buffer, names: boolean): People {
  const cache = new Map<string, string>();
  return {
    role(address) {
      return resolve(council, address)?.role ?? 'external';
    },
    label(address) {
      const known = cache.get(address);
      if (known !== undefined) return known;
      const person = resolve(council, address);
      const role = person?.role ?? 'external';
      let label: string;
      if (names) label = person?.name ?? (address || '(unknown)');
      else {
        const subject = person ? `person:${person.id}` : `address:${address.trim().toLowerCase()}`;
        label = `${role}-${createHmac('sha256', key).update(subject).digest('hex').slice(0, 10)}`;
      }
      // Bounded: a mailbox of millions has far fewer distinct correspondents, but do not trust that.
      if (cache.size < 100_000) cache.set(address, label);
      return label;
    },
  };
}
