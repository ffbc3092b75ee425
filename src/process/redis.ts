/**
 * The one place Redis connections are made, from the settings: a single server by URL (TLS with `rediss://` or
 * REDIS_TLS, a private CA), a password from a file, Sentinel (follows a failover) or Cluster, for councils that
 * outgrow one Redis. Two profiles, as BullMQ's production guide asks:
 *
 * - `producer`: for code called from an HTTP handler or a Slack listener. No offline queue, one retry: while
 *   Redis is away a command fails at once, so the caller answers "try again" instead of hanging.
 * - `worker`: for BullMQ workers and queues that block and must wait out a restart (`maxRetriesPerRequest: null`).
 *
 * Every connection logs the first error of an outage as one line (with the server's address, never a password)
 * and one line when it is back, instead of a line per retry or an unhandled 'error' event's stack trace.
 */
import { readFileSync } from 'node:fs';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Logger } from './log.js';
import type { SettingsFor } from './settings.js';

export type RedisSettings = Pick<
  SettingsFor<'api'>,
  | 'REDIS_URL'
  | 'REDIS_PASSWORD'
  | 'REDIS_TLS'
  | 'REDIS_TLS_CA_FILE'
  | 'REDIS_SENTINELS'
  | 'REDIS_SENTINEL_MASTER'
  | 'REDIS_SENTINEL_PASSWORD'
  | 'REDIS_CLUSTER_NODES'
>;
export type RedisProfile = 'producer' | 'worker';

/** What a connection is built from: a pure function of the settings, so it can be tested without a server. */
export type RedisPlan =
  | { kind: 'single'; options: RedisOptions }
  | { kind: 'sentinel'; options: RedisOptions }
  | { kind: 'cluster'; nodes: { host: string; port: number }[]; options: ClusterOptions };

export const REDIS_PROFILES: Record<RedisProfile, RedisOptions> = {
  producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  worker: { maxRetriesPerRequest: null },
};

export function redisPlan(settings: RedisSettings, profile: RedisProfile, connectionName: string): RedisPlan {
  const url = new URL(settings.REDIS_URL);
  const tlsOn = settings.REDIS_TLS ?? url.protocol === 'rediss:';
  const tls = tlsOn ? (settings.REDIS_TLS_CA_FILE ? { ca: readFileSync(settings.REDIS_TLS_CA_FILE) } : {}) : undefined;
  const password = settings.REDIS_PASSWORD ?? (url.password ? decodeURIComponent(url.password) : undefined);
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const db = Number(url.pathname.slice(1) || 0);
  const auth: RedisOptions = {
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(tls ? { tls } : {}),
  };
  const common: RedisOptions = { ...REDIS_PROFILES[profile], connectionName };

  if (settings.REDIS_CLUSTER_NODES) {
    const { enableOfflineQueue, ...perNode } = common;
    return {
      kind: 'cluster',
      nodes: settings.REDIS_CLUSTER_NODES,
      options: {
        redisOptions: { ...perNode, ...auth },
        ...(enableOfflineQueue === false ? { enableOfflineQueue: false } : {}),
        // TLS certificates name the hosts given, not the addresses the cluster announces.
        ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
      },
    };
  }
  if (settings.REDIS_SENTINELS) {
    return {
      kind: 'sentinel',
      options: {
        ...common,
        ...auth,
        db,
        sentinels: settings.REDIS_SENTINELS,
        name: settings.REDIS_SENTINEL_MASTER ?? 'mymaster',
        ...(settings.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: settings.REDIS_SENTINEL_PASSWORD } : {}),
        ...(tls ? { enableTLSForSentinelMode: true, sentinelTLS: tls } : {}),
      },
    };
  }
  return { kind: 'single', options: { ...common, ...auth, db, host: url.hostname || '127.0.0.1', port: Number(url.port || 6379) } };
}

/** Where a connection goes, for log lines and errors: never a password. */
export function describeRedis(settings: RedisSettings): string {
  if (settings.REDIS_CLUSTER_NODES) return `Redis Cluster ${settings.REDIS_CLUSTER_NODES.map((n) => `${n.host}:${n.port}`).join(',')}`;
  if (settings.REDIS_SENTINELS)
    return `Redis Sentinel ${settings.REDIS_SENTINELS.map((n) => `${n.host}:${n.port}`).join(',')} (${settings.REDIS_SENTINEL_MASTER})`;
  const url = new URL(settings.REDIS_URL);
  return `Redis at ${url.hostname}:${url.port || 6379}`;
}

/** Watches connections for outages; see `outageLog`. */
export type RedisWatch = (redis: Redis) => void;

/**
 * A connection by the settings. ioredis's Cluster has the commands of a single connection; it is typed as one
 * so that stores and queues take either.
 */
export function connectRedis(settings: RedisSettings, profile: RedisProfile, connectionName: string, watch?: RedisWatch): Redis {
  const plan = redisPlan(settings, profile, connectionName);
  const redis = plan.kind === 'cluster' ? (new Cluster(plan.nodes, plan.options) as unknown as Redis) : new Redis(plan.options);
  watch?.(redis);
  return redis;
}

/**
 * One line when Redis becomes unreachable (whichever of the process's connections notices first, with the error
 * code) and one when it is back, instead of a line per connection and retry.
 */
export function outageLog(log: Logger, where: string): RedisWatch {
  let down = false;
  return (redis) => {
    redis.on('error', (error: NodeJS.ErrnoException) => {
      if (down) return;
      down = true;
      log.warn({ code: error.code ?? error.name }, `${where} unreachable; retrying`);
    });
    redis.on('ready', () => {
      if (!down) return;
      down = false;
      log.info({}, `${where} reachable again`);
    });
  };
}

export class RedisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailableError';
  }
}

/**
 * Resolves when the connection is ready; rejects with one line after `timeoutMs` of retrying. A producer
 * connection refuses commands until it is ready, so processes wait for this at start.
 */
export function waitForRedis(redis: Redis, timeoutMs: number, where: string): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let last = '';
    const onError = (error: NodeJS.ErrnoException) => {
      last = error.code ?? error.message;
    };
    const onReady = () => {
      clearTimeout(timer);
      redis.off('error', onError);
      resolve();
    };
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      redis.off('error', onError);
      reject(new RedisUnavailableError(`${where} not reachable after ${Math.round(timeoutMs / 1000)} s${last ? ` (${last})` : ''}`));
    }, timeoutMs);
    redis.on('error', onError);
    redis.once('ready', onReady);
  });
}
