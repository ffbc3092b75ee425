/**
 * The one Redis factory (src/process/redis.ts), from the settings as a process reads them: a password from a file
 * against a real redis-server with requirepass, TLS with a private CA against a real redis-server on a TLS port,
 * and Sentinel against a real redis-sentinel that names the primary. Cluster is tested as far as the plan (the
 * options given to ioredis); no cluster is started here.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis, redisPlan, waitForRedis } from '../../src/process/redis.js';
import { loadSettings } from '../../src/process/settings.js';
import { freePort } from '../helpers/free-port.js';

const dir = mkdtempSync(join(tmpdir(), 'probity-redis-'));
const HAS_REDIS = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
const children: ChildProcess[] = [];
const connections: Redis[] = [];
afterAll(async () => {
  for (const c of connections) c.disconnect();
  for (const child of children) child.kill('SIGTERM');
});

/** The lint worker's settings: every Redis setting, and nothing about briefings. */
const settings = (env: Record<string, string>) => loadSettings('lint-worker', { PROBITY_COUNCIL: 'examples/council.yaml', ...env });

async function server(args: string[]): Promise<void> {
  const child = spawn('redis-server', ['--save', '', '--appendonly', 'no', '--dir', dir, ...args], { stdio: 'ignore' });
  children.push(child);
  await new Promise((r) => setTimeout(r, 300));
}

function connect(env: Record<string, string>): Redis {
  const redis = connectRedis(settings(env), 'worker', 'probity-test');
  redis.on('error', () => undefined);
  connections.push(redis);
  return redis;
}

describe('the plan (what ioredis is given)', () => {
  it('takes user, password, database and TLS from the URL; REDIS_PASSWORD overrides the password', () => {
    const plan = redisPlan(settings({ REDIS_URL: 'rediss://probity:url%40pw@redis.example:6380/2' }), 'producer', 'p');
    expect(plan).toMatchObject({
      kind: 'single',
      options: {
        host: 'redis.example',
        port: 6380,
        db: 2,
        username: 'probity',
        password: 'url@pw',
        tls: {},
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectionName: 'p',
      },
    });
    const file = join(dir, 'pw');
    writeFileSync(file, 'from-a-file\n');
    expect(redisPlan(settings({ REDIS_URL: 'redis://:url@h:1', REDIS_PASSWORD_FILE: file }), 'worker', 'w')).toMatchObject({
      options: { password: 'from-a-file', maxRetriesPerRequest: null },
    });
  });

  it('Sentinel: the sentinels, the primary name, their own password, TLS for both', () => {
    const plan = redisPlan(
      settings({
        REDIS_URL: 'rediss://:pw@ignored:1',
        REDIS_SENTINELS: 's1:26379, s2:26380',
        REDIS_SENTINEL_MASTER: 'probity',
        REDIS_SENTINEL_PASSWORD: 'spw',
      }),
      'worker',
      'w',
    );
    expect(plan).toMatchObject({
      kind: 'sentinel',
      options: {
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26380 },
        ],
        name: 'probity',
        sentinelPassword: 'spw',
        password: 'pw',
        enableTLSForSentinelMode: true,
        tls: {},
      },
    });
  });

  it('Cluster: the seed nodes, each node with the password and TLS, and the profile', () => {
    const plan = redisPlan(
      settings({ REDIS_URL: 'redis://:pw@x:1', REDIS_TLS: 'true', REDIS_CLUSTER_NODES: 'n1:7000,n2:7001', PROBITY_REDIS_PREFIX: '{probity}' }),
      'producer',
      'c',
    );
    expect(plan).toMatchObject({
      kind: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
      ],
      options: { enableOfflineQueue: false, redisOptions: { password: 'pw', tls: {}, maxRetriesPerRequest: 1 } },
    });
  });

  it('refuses settings that cannot work, one line each', () => {
    expect(() => settings({ REDIS_SENTINELS: 's1:26379' })).toThrow(/REDIS_SENTINEL_MASTER must be set with REDIS_SENTINELS/);
    expect(() => settings({ REDIS_CLUSTER_NODES: 'n1:7000' })).toThrow(/PROBITY_REDIS_PREFIX must hold a hash tag such as \{probity\}/);
    expect(() => settings({ REDIS_SENTINELS: 's1' })).toThrow(/REDIS_SENTINELS must be a comma-separated list of host:port/);
    expect(() => settings({ REDIS_PASSWORD: 'a', REDIS_PASSWORD_FILE: '/x' })).toThrow(/REDIS_PASSWORD and REDIS_PASSWORD_FILE are both set/);
    expect(() => settings({ REDIS_URL: 'rediss://h:1', REDIS_TLS_CA_FILE: '/no/such/ca.pem' })).toThrow(/REDIS_TLS_CA_FILE: no file at \/no\/such\/ca\.pem/);
  });
});

describe.skipIf(!HAS_REDIS)('against real servers (Debian redis-server)', () => {
  it('a password from a file (requirepass); the wrong one is refused', async () => {
    const port = await freePort();
    await server(['--port', String(port), '--bind', '127.0.0.1', '--requirepass', 'file-secret']);
    const file = join(dir, 'redis-password');
    writeFileSync(file, 'file-secret\n');
    const redis = connect({ REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PASSWORD_FILE: file });
    await waitForRedis(redis, 5000, 'test');
    expect(await redis.ping()).toBe('PONG');
    const wrong = connect({ REDIS_URL: `redis://:nope@127.0.0.1:${port}` });
    await expect(waitForRedis(wrong, 1500, `Redis at 127.0.0.1:${port}`)).rejects.toThrow(/not reachable after 2 s \((WRONGPASS|ERR)/);
  });

  it('TLS with a private CA (rediss:// and REDIS_TLS_CA_FILE); without the CA the certificate is refused', async () => {
    const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=Probity test CA', '-keyout', 'ca.key', '-out', 'ca.crt']);
    openssl([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      'redis.key',
      '-out',
      'redis.csr',
    ]);
    openssl([
      'x509',
      '-req',
      '-in',
      'redis.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '1',
      '-copy_extensions',
      'copy',
      '-out',
      'redis.crt',
    ]);
    const port = await freePort();
    await server([
      '--port',
      '0',
      '--bind',
      '127.0.0.1',
      '--tls-port',
      String(port),
      '--tls-cert-file',
      join(dir, 'redis.crt'),
      '--tls-key-file',
      join(dir, 'redis.key'),
      '--tls-ca-cert-file',
      join(dir, 'ca.crt'),
      '--tls-auth-clients',
      'no',
    ]);
    const redis = connect({ REDIS_URL: `rediss://127.0.0.1:${port}`, REDIS_TLS_CA_FILE: join(dir, 'ca.crt') });
    await waitForRedis(redis, 5000, 'test');
    expect(await redis.ping()).toBe('PONG');
    const untrusted = connect({ REDIS_URL: `rediss://127.0.0.1:${port}` });
    await expect(waitForRedis(untrusted, 1500, 'tls')).rejects.toThrow(/SELF_SIGNED|UNABLE_TO_VERIFY|certificate/i);
  });

  it('Sentinel: asks the sentinel for the primary and works on it', async () => {
    const primary = await freePort();
    await server(['--port', String(primary), '--bind', '127.0.0.1']);
    const sentinelPort = await freePort();
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(conf, [`port ${sentinelPort}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor probity 127.0.0.1 ${primary} 1`, ''].join('\n'));
    children.push(spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' }));
    await new Promise((r) => setTimeout(r, 500));
    const redis = connect({ REDIS_SENTINELS: `127.0.0.1:${sentinelPort}`, REDIS_SENTINEL_MASTER: 'probity' });
    await waitForRedis(redis, 5000, 'sentinel');
    await redis.set('probity-sentinel-test', 'here');
    expect(await redis.get('probity-sentinel-test')).toBe('here');
  });
});
