/**
 * A secret that has been published is no secret: the example in the documentation (and anything that looks like a
 * placeholder) is refused wherever a token key is read, and the API will not start with it.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertSecret, keyringFromEnv, PUBLISHED_SECRETS } from '../../src/auth/tokens.js';
import { LinkKeys } from '../../src/http/offer-links.js';
import { QueueKeyError, QueueKeys } from '../../src/queue/sealed.js';
import { ledgerEnv } from '../helpers/ledger-env.js';
import { freePort } from '../helpers/free-port.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = 'change-me-to-at-least-32-random-characters';

describe('token secrets', () => {
  it('refuses the published example, placeholders and secrets that are not random; accepts a random one', () => {
    expect(PUBLISHED_SECRETS).toContain(EXAMPLE);
    expect(() => assertSecret(EXAMPLE)).toThrow('PROBITY_TOKEN_SECRET is the example value from the documentation; generate one with: openssl rand -hex 32');
    expect(() => assertSecret('please-change-me-please-change-me-please')).toThrow(/example value/);
    expect(() => assertSecret('your-secret-goes-here-0123456789abcdefgh')).toThrow(/example value/);
    expect(() => assertSecret('a'.repeat(64))).toThrow(/not random enough \(1 different characters\)/);
    expect(() => assertSecret('short')).toThrow(/at least 32 characters/);
    expect(() => assertSecret(randomBytes(32).toString('hex'))).not.toThrow();
  });

  it('refuses it in a rotation keyring too, naming the key', () => {
    expect(() => keyringFromEnv({ PROBITY_TOKEN_KEYS: `new:${randomBytes(32).toString('hex')},old:${EXAMPLE}` })).toThrow(
      'PROBITY_TOKEN_KEYS (key "old") is the example value',
    );
    expect(() => keyringFromEnv({ PROBITY_TOKEN_KEYS: 'no-separator' })).toThrow(
      "PROBITY_TOKEN_KEYS: entry 1 must be id:secret, the id letters, digits, '.', '_' or '-'",
    );
    const ring = keyringFromEnv({ PROBITY_TOKEN_KEYS: `2026-12:${randomBytes(32).toString('hex')},2026-06:${randomBytes(32).toString('hex')}` });
    expect(ring.current.kid).toBe('2026-12');
    expect(ring.keys.map((k) => k.kid)).toEqual(['2026-12', '2026-06']);
  });

  it('reads every key list (tokens, answer links, lint queue) with one parser: the same checks and words, each naming its setting', () => {
    const good = () => randomBytes(32).toString('hex');
    const readers = {
      PROBITY_TOKEN_KEYS: (raw: string) => keyringFromEnv({ PROBITY_TOKEN_KEYS: raw }),
      PROBITY_LINK_KEYS: (raw: string) => LinkKeys.parse(raw),
      PROBITY_QUEUE_KEYS: (raw: string) => QueueKeys.parse(raw),
    };
    for (const [setting, read] of Object.entries(readers)) {
      expect(() => read(`a:${good()},b:${EXAMPLE}`), setting).toThrow(`${setting} (key "b") is the example value from the documentation`);
      expect(() => read(`a:${good()},a:${good()}`), setting).toThrow(`${setting}: a key id is given twice`);
      expect(() => read(`a:${good()},b:short`), setting).toThrow(`${setting} (key "b") must be set to at least 32 characters`);
      expect(() => read('no-separator'), setting).toThrow(new RegExp(`^${setting}: entry 1 must be id:secret`));
      expect(() => read(`old:${good()}`), setting).not.toThrow();
    }
    // A '.' separates an answer link's parts (and is kept out of the queue's ids): only the tokens' kids may have one.
    expect(() => keyringFromEnv({ PROBITY_TOKEN_KEYS: `2026.12:${good()}` })).not.toThrow();
    expect(() => LinkKeys.parse(`2026.12:${good()}`)).toThrow(
      `PROBITY_LINK_KEYS: entry 1 must be id:secret, the id 1–32 letters, digits, '_' or '-' (got "2026.12")`,
    );
    expect(() => QueueKeys.parse(`2026.12:${good()}`)).toThrow(QueueKeyError);
  });

  it('.env.example holds no secret value that would be accepted', () => {
    const env = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    for (const line of env.split('\n')) {
      const m = /^#?\s*(PROBITY_TOKEN_SECRET|PROBITY_TOKEN_KEYS)=(.+)$/.exec(line.trim());
      if (m) expect(() => keyringFromEnv({ [m[1]!]: m[2]! }), line).toThrow();
    }
  });

  it('the API will not start with the example secret, and says why in one line', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'workers/api.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        ...ledgerEnv(),
        PROBITY_COUNCIL: 'examples/council.yaml',
        PROBITY_TOKEN_SECRET: EXAMPLE,
        PROBITY_LINK_KEYS: `k1:${randomBytes(32).toString('hex')}`,
        REDIS_URL: process.env.PROBITY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        PORT: String(await freePort()),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code, output).not.toBe(0);
    expect(output).toContain('PROBITY_TOKEN_SECRET is the example value from the documentation');
    expect(output).not.toMatch(/\n\s+at /);
  }, 60_000);
});
