/**
 * Redis restarted under the API server process: its own `redis-server` (AOF, fsync always) on a free port, the
 * real server (src/http/server.ts) on top. While Redis is gone the ledger routes answer 503 with Retry-After (no
 * hang, no 500), /healthz answers 503 naming the ledger's Redis, and the check API, which needs no Redis, keeps
 * answering; when Redis is back the server recovers by itself (no restart) and every request it acknowledged (201)
 * before the crash is still there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, type Claims } from '../../src/http/auth.js';
import { freePort, OwnRedis } from '../briefings/redis-helpers.js';
import { until } from '../briefings/world.js';
import { ledgerEnv } from '../helpers/ledger-env.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = import.meta.resolve('tsx');
const SECRET = 'redis-restart-secret-0123456789abcdefghijk';
const bearer = (claims: Omit<Claims, 'exp'>) => `Bearer ${issueToken(SECRET, { ...claims, exp: Math.floor(Date.now() / 1000) + 3600 })}`;
const LABOUR = bearer({ sub: 'cllr-hale', role: 'group-leader', group: 'labour' });
const OFFICE = bearer({ sub: 'o-bell', role: 'ce-office' });
const CHECKER = bearer({ sub: 'outlook-addin', role: 'checker' });

let redis: OwnRedis;
let server: ChildProcess;
let base = '';
let output = '';

beforeAll(async () => {
  redis = await OwnRedis.start();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, ['--import', TSX, 'workers/api.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: String(port),
      HOST: '127.0.0.1',
      PROBITY_TOKEN_SECRET: SECRET,
      ...ledgerEnv({ aof: true }),
      PROBITY_LINK_KEYS: 'k1:link-key-for-process-tests-0123456789abcdef',
      PROBITY_COUNCIL: 'examples/council.yaml',
      REDIS_URL: redis.url,
      LOG_LEVEL: 'warn',
      PROBITY_RATE_LIMIT: '100000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (c: Buffer) => (output = (output + c.toString('utf8')).slice(-8000)));
  server.stderr!.on('data', (c: Buffer) => (output = (output + c.toString('utf8')).slice(-8000)));
  await until(
    async () => {
      if (server.exitCode !== null) return true;
      try {
        return (await fetch(`${base}/healthz`)).ok;
      } catch {
        return false;
      }
    },
    'server up',
    100,
  );
  expect(server.exitCode, output).toBeNull();
}, 60_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
  }
  await redis?.stop();
});

async function call(method: string, path: string, auth: string, body?: unknown): Promise<{ status: number; retryAfter: string | null; json: () => unknown }> {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: auth, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await r.text();
  return { status: r.status, retryAfter: r.headers.get('retry-after'), json: () => JSON.parse(text) as unknown };
}

const request = (matter: string) => ({ matter, details: 'What the group wants covered.', officers: ['o-hughes'] });
const check = { channel: 'email', from: 'daniel.okafor@ashcombe.gov.uk', to: ['amir.patel@ashcombe.gov.uk'], text: 'Could you send me the report?' };

describe('reliability: Redis restarted under the API server', () => {
  it('answers 503 + Retry-After while Redis is gone, keeps checking, and recovers by itself with nothing acknowledged lost', async () => {
    const acknowledged: string[] = [];
    for (const matter of ['Bus station', 'Leisure centre contract', 'Car parking charges']) {
      const r = await call('POST', '/v1/briefings', LABOUR, request(matter));
      expect(r.status, output).toBe(201);
      acknowledged.push((r.json() as { id: string }).id);
    }

    await redis.crash();
    const statuses: number[] = [];
    const down = await until(
      async () => {
        const r = await call('GET', '/v1/briefings', OFFICE);
        statuses.push(r.status);
        return r.status === 503 ? r : undefined;
      },
      '503 while Redis is down',
      100,
    );
    expect(Number(down.retryAfter)).toBeGreaterThan(0);
    expect((down.json() as { error: string }).error).toBe('unavailable');
    // The container healthcheck sees it too: 503 with the reason in one line.
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ ok: false, error: 'unavailable', message: "the ledger's Redis is unreachable" });
    const write = await call('POST', '/v1/briefings', LABOUR, request('Town centre regeneration'));
    expect(write.status).toBe(503);
    // The check API needs no Redis.
    const checked = await call('POST', '/v1/check', CHECKER, check);
    expect([200, 503]).toContain(checked.status);

    await redis.start();
    const back = await until(
      async () => {
        const r = await call('GET', '/v1/briefings', OFFICE);
        statuses.push(r.status);
        return r.status === 200 ? r : undefined;
      },
      'recovered',
      200,
    );
    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    const ids = (back.json() as { requests: { id: string }[] }).requests.map((q) => q.id);
    for (const id of acknowledged) expect(ids).toContain(id);
    await until(async () => (await fetch(`${base}/healthz`)).ok, 'healthy again', 100);
    // And it takes writes again.
    expect((await call('POST', '/v1/briefings', LABOUR, request('Town centre regeneration'))).status).toBe(201);
    expect(server.exitCode).toBeNull();
  }, 90_000);
});
