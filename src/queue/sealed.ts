/**
 * Lint job payloads sealed with a key Redis never holds, so message text is never on Redis's disk: not in the
 * append-only file (AOF) before a rewrite, an RDB snapshot, a replica or a backup of either, whatever the
 * council's Redis keeps. The Slack app seals each job's data (AES-256-GCM, the job's name as associated data,
 * so a payload cannot be replayed under another job's name); the lint worker opens it in memory.
 *
 * Keys: PROBITY_QUEUE_KEYS, `id:secret` with a secret of 32+ random characters (`openssl rand -hex 32`), the
 * same in the Slack app and the lint worker; several, comma-separated, to rotate (the first seals, all open). The
 * AES key is derived from the secret by HKDF-SHA-256. A job waits in Redis seconds, so a retired key can be dropped
 * once the queue has drained.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { checkKeyList, DOTLESS_KEY_ID, parseKeyList, type KeyEntry } from '../auth/tokens.js';

/** What a sealed job's data looks like in Redis: the key's id, a nonce and ciphertext with its tag, no text. */
export interface SealedPayload {
  sealed: 'v1';
  kid: string;
  iv: string;
  data: string;
}

const INFO = Buffer.from('probity lint-queue payload v1');
const TAG_BYTES = 16;

export class QueueKeyError extends Error {}

function asQueueKeyError<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new QueueKeyError((err as Error).message);
  }
}

export function isSealed(data: unknown): data is SealedPayload {
  const d = data as Partial<SealedPayload> | null;
  return typeof d === 'object' && d !== null && d.sealed === 'v1' && typeof d.kid === 'string' && typeof d.iv === 'string' && typeof d.data === 'string';
}

export class QueueKeys {
  private readonly keys: { id: string; key: Buffer }[];

  constructor(keys: KeyEntry[]) {
    asQueueKeyError(() => checkKeyList(keys, 'PROBITY_QUEUE_KEYS', DOTLESS_KEY_ID));
    this.keys = keys.map((k) => ({ id: k.id, key: Buffer.from(hkdfSync('sha256', k.secret, Buffer.alloc(0), INFO, 32)) }));
  }

  /** `id:secret,id:secret` (the first seals): the same key-list form and checks as every key setting (auth/tokens.ts). */
  static parse(raw: string | undefined): QueueKeys {
    return new QueueKeys(asQueueKeyError(() => parseKeyList(raw, 'PROBITY_QUEUE_KEYS', DOTLESS_KEY_ID)));
  }

  seal(jobName: string, data: unknown): SealedPayload {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(jobName));
    const body = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return { sealed: 'v1', kid: id, iv: iv.toString('base64url'), data: body.toString('base64url') };
  }

  /** The job's data, or a QueueKeyError naming what is wrong (never any of the data). */
  open(jobName: string, sealed: SealedPayload): unknown {
    const entry = this.keys.find((k) => k.id === sealed.kid);
    if (!entry) throw new QueueKeyError(`lint job sealed with key "${sealed.kid}", which is not in PROBITY_QUEUE_KEYS`);
    const body = Buffer.from(sealed.data, 'base64url');
    if (body.length < TAG_BYTES) throw new QueueKeyError('lint job payload is cut short');
    try {
      const decipher = createDecipheriv('aes-256-gcm', entry.key, Buffer.from(sealed.iv, 'base64url'));
      decipher.setAAD(Buffer.from(jobName));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      const text = Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      return JSON.parse(text);
    } catch {
      throw new QueueKeyError(`lint job payload does not open with key "${sealed.kid}" (altered, or sealed for another job)`);
    }
  }
}
