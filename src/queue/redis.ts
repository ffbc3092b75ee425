/**
 * Connections by URL alone, for tests and tools; the processes connect through src/process/redis.ts (TLS,
 * password files, Sentinel, Cluster) with the same two profiles.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { REDIS_PROFILES } from '../process/redis.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** BullMQ key prefix: every queue key is `<prefix>:lint:…`. Tests use a unique prefix per run. */
export const DEFAULT_QUEUE_PREFIX = 'probity';

/** Fails fast while Redis is away (see REDIS_PROFILES.producer). */
export function producerConnection(url = DEFAULT_REDIS_URL, options: RedisOptions = {}): Redis {
  return new Redis(url, { ...REDIS_PROFILES.producer, connectionName: 'probity-producer', ...options });
}

/** Waits Redis out, as BullMQ workers must (see REDIS_PROFILES.worker). */
export function workerConnection(url = DEFAULT_REDIS_URL, options: RedisOptions = {}): Redis {
  return new Redis(url, { ...REDIS_PROFILES.worker, connectionName: 'probity-worker', ...options });
}

/**
 * Resolves once the connection is ready; rejects on the first error. A fail-fast producer refuses commands until
 * then, so processes await this at start-up.
 */
export function whenReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onReady = () => {
      redis.off('error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      redis.off('ready', onReady);
      reject(error);
    };
    redis.once('ready', onReady);
    redis.once('error', onError);
  });
}
