/**
 * Redis connections for the lint queue. BullMQ 6 treats ioredis as an optional peer, so we depend on it and make
 * the connections ourselves, with the two profiles BullMQ's production guide asks for.
 */
import { Redis, type RedisOptions } from 'ioredis';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** BullMQ key prefix: every queue key is `<prefix>:lint:…`. Tests use a unique prefix per run. */
export const DEFAULT_QUEUE_PREFIX = 'probity';

/**
 * For code called from an HTTP handler or a Slack listener: with no offline queue a command fails at once while
 * Redis is unreachable, so the caller can answer "try again" within Slack's 3 s instead of hanging.
 */
export function producerConnection(url = DEFAULT_REDIS_URL, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectionName: 'probity-producer',
    ...options,
  });
}

/** For BullMQ workers: they block on Redis and must retry forever (`maxRetriesPerRequest: null` is required). */
export function workerConnection(url = DEFAULT_REDIS_URL, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: 'probity-worker', ...options });
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
