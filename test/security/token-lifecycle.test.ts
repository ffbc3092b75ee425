/**
 * A machine's token over its life, on a real Redis: issued by `probity token` for someone council.yaml backs,
 * accepted by the API, revoked by `probity token revoke` (the API refuses it at once), and a key rotated with
 * overlap (old tokens work until the old key is dropped; new ones are signed with the new key).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisKv, RevocationList } from '../../src/auth/kv.js';
import { keyringFromEnv } from '../../src/auth/tokens.js';
import { MemoryStore } from '../../src/briefings/memory-store.js';
import { BriefingService } from '../../src/briefings/service.js';
import { run } from '../../src/cli/program.js';
import { buildApp } from '../../src/http/app.js';
import { clock, council, ids } from '../briefings/fixtures.js';
import { deletePrefix, SHARED_REDIS_URL, sharedRedis, uniquePrefix } from '../briefings/redis-helpers.js';

const ROOT = join(import.meta.dirname, '../..');
const redis = sharedRedis();
const prefix = uniquePrefix('tokens');
const OLD = randomBytes(32).toString('hex');
const NEW = randomBytes(32).toString('hex');
const apps: FastifyInstance[] = [];

afterAll(async () => {
  for (const app of apps) await app.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

async function cli(args: string[], env: Record<string, string>) {
  const out = { stdout: '', stderr: '' };
  const io = {
    stdin: process.stdin,
    stdout: { write: (t: string) => ((out.stdout += t), true), isTTY: false },
    stderr: { write: (t: string) => ((out.stderr += t), true), isTTY: false },
    env,
    cwd: ROOT,
  } as never;
  return { code: await run(args, io), ...out };
}

async function api(keysSetting: string) {
  const service = new BriefingService({ council: council(), store: new MemoryStore(), clock: clock(new Date().toISOString()), newId: ids('tl') });
  const app = await buildApp({
    service,
    auth: { keys: keyringFromEnv({ PROBITY_TOKEN_KEYS: keysSetting }), revoked: new RevocationList(new RedisKv(redis, `${prefix}:auth`)) },
    docs: false,
  });
  apps.push(app);
  return (token: string) => app.inject({ method: 'GET', url: '/v1/rounds', headers: { authorization: `Bearer ${token}` } });
}

describe('a token from issue to revocation', () => {
  const env = { PROBITY_COUNCIL: join(ROOT, 'examples/council.yaml'), REDIS_URL: SHARED_REDIS_URL, PROBITY_AUTH_PREFIX: `${prefix}:auth` };

  it('is refused by the API as soon as `probity token revoke` has run', async () => {
    const get = await api(`k1:${OLD}`);
    const issued = await cli(['token', '--role', 'monitoring-officer', '--sub', 'o-singh', '--days', '7'], { ...env, PROBITY_TOKEN_KEYS: `k1:${OLD}` });
    expect(issued.code, issued.stderr).toBe(0);
    const token = issued.stdout.trim();
    expect((await get(token)).statusCode).toBe(200);

    const revoked = await cli(['token', 'revoke', token], { ...env, PROBITY_TOKEN_KEYS: `k1:${OLD}` });
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stderr).toMatch(/^probity: token \S+ revoked; the API refuses it from now on\n$/);
    const r = await get(token);
    expect(r.statusCode).toBe(401);
    expect(r.json().message).toBe('token revoked');
    // The revocation lasts as long as the token would have, and no longer.
    const id = /id (\S+)\n/.exec(issued.stderr)![1]!;
    const ttl = await redis.ttl(`${prefix}:auth:revoked:${id}`);
    expect(ttl).toBeGreaterThan(6 * 86_400);
    expect(ttl).toBeLessThanOrEqual(7 * 86_400);
  });

  it('revokes by id too, as `probity token` printed it', async () => {
    const issued = await cli(['token', '--role', 'checker', '--sub', 'outlook-addin', '--audience', 'check'], { ...env, PROBITY_TOKEN_KEYS: `k1:${OLD}` });
    const id = /id (\S+)\n/.exec(issued.stderr)![1]!;
    expect((await cli(['token', 'revoke', id], env)).code).toBe(0);
    expect(await new RevocationList(new RedisKv(redis, `${prefix}:auth`)).isRevoked(id)).toBe(true);
  });

  it('rotates a key with overlap: old tokens work while the old key is in the ring, new ones carry the new key id', async () => {
    const old = (await cli(['token', '--role', 'ce-office', '--sub', 'o-bell'], { ...env, PROBITY_TOKEN_KEYS: `k1:${OLD}` })).stdout.trim();
    const during = await api(`k2:${NEW},k1:${OLD}`);
    expect((await during(old)).statusCode).toBe(200);
    const fresh = await cli(['token', '--role', 'ce-office', '--sub', 'o-bell'], { ...env, PROBITY_TOKEN_KEYS: `k2:${NEW},k1:${OLD}` });
    expect(fresh.stderr).toContain('key k2');
    expect((await during(fresh.stdout.trim())).statusCode).toBe(200);
    const after = await api(`k2:${NEW}`);
    expect((await after(fresh.stdout.trim())).statusCode).toBe(200);
    const r = await after(old);
    expect(r.statusCode).toBe(401);
    expect(r.json().message).toBe('token signed with an unknown key ("k1")');
  });
});
