/**
 * The API process: reads the environment, connects the ledger and the queue, builds the app, listens, and
 * shuts down gracefully on SIGTERM/SIGINT (stop taking requests, finish those in hand, close Redis).
 *
 *   PROBITY_TOKEN_SECRET=… node --import tsx src/http/server.ts
 *
 * Environment (see docs/briefings.md): PORT, HOST, PROBITY_TOKEN_SECRET, PROBITY_COUNCIL, REDIS_URL,
 * PROBITY_LEDGER_PREFIX, PROBITY_QUEUE_PREFIX, PROBITY_PUBLIC_URL, PROBITY_RATE_LIMIT, LOG_LEVEL.
 */
import '../process/fatal.js';
import { Redis } from 'ioredis';
import { RedisStore } from '../briefings/redis-store.js';
import { BriefingService } from '../briefings/service.js';
import { NoticeDispatcher } from '../notices/queue.js';
import { loadCouncilFile, loadRuntime, randomId } from '../notices/runtime.js';
import { loadLinter } from '../lint/load.js';
import { addinOptionsFromEnv } from './addin.route.js';
import { buildApp } from './app.js';
import { assertSecret, verifyToken } from './auth.js';

const secret = process.env.PROBITY_TOKEN_SECRET;
assertSecret(secret);
const rt = loadRuntime();
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const clock = () => new Date();
/** How long to wait for Redis at start before giving up (a supervisor restarts the process). */
const STARTUP_REDIS_WAIT_MS = 15_000;

// Fail fast from HTTP handlers when Redis is away (a 503 beats a request hanging in an offline queue).
const redis = new Redis(rt.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
// BullMQ's producers want their own connection settings (no per-request retry limit).
const queueRedis = new Redis(rt.redisUrl, { maxRetriesPerRequest: null });

const store = new RedisStore(redis, rt.ledgerPrefix);
const dispatcher = new NoticeDispatcher({ connection: queueRedis, prefix: rt.queuePrefix, store, clock, backoffMs: rt.notice.backoffMs, attempts: rt.notice.attempts });
const service = new BriefingService({
  council: rt.council,
  store,
  clock,
  newId: randomId,
  // Move queued notices to BullMQ right after the commit; the worker also sweeps the outbox, so a failure
  // here delays notices but never loses them.
  onOutbox: () => void dispatcher.flush().catch((err: Error) => app.log.warn({ err: err.message }, 'outbox flush failed; the worker will retry')),
});
const addin = addinOptionsFromEnv(process.env);
// The add-in's token is served in public JavaScript: it must be a valid token that can do nothing but check.
if (addin?.token) {
  const verified = verifyToken(secret, addin.token, Math.floor(Date.now() / 1000));
  if (!verified.ok) throw new Error(`PROBITY_ADDIN_TOKEN: ${verified.reason}`);
  if (verified.claims.role !== 'checker') throw new Error(`PROBITY_ADDIN_TOKEN must be a checker token (it is ${verified.claims.role}); it is served to every Outlook user`);
}
const app = await buildApp({
  service,
  linter: loadLinter({ councilFile: rt.councilFile }),
  ...(addin ? { addin } : {}),
  auth: { secret },
  logger: { level: process.env.LOG_LEVEL ?? 'info' },
  rateLimit: { max: Number(process.env.PROBITY_RATE_LIMIT ?? 600), timeWindow: '1 minute' },
});
redis.on('error', (err) => app.log.warn({ err: err.message }, 'redis connection error'));
// With the offline queue off, commands before the first connection would fail: wait for it (bounded).
await new Promise<void>((resolve, reject) => {
  if (redis.status === 'ready') return resolve();
  const timer = setTimeout(() => reject(new Error(`Redis at ${rt.redisUrl} not ready after ${STARTUP_REDIS_WAIT_MS} ms`)), STARTUP_REDIS_WAIT_MS);
  redis.once('ready', () => {
    clearTimeout(timer);
    resolve();
  });
});
queueRedis.on('error', (err) => app.log.warn({ err: err.message }, 'redis (queue) connection error'));

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  const timer = setTimeout(() => process.exit(1), rt.notice.shutdownMs).unref();
  await app.close();
  await dispatcher.close().catch(() => undefined);
  await Promise.all([redis.quit().catch(() => undefined), queueRedis.quit().catch(() => undefined)]);
  clearTimeout(timer);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
// SIGHUP: reload council.yaml; a group that has formed since a round opened gets a late offer in it.
process.on('SIGHUP', () => {
  void (async () => {
    try {
      service.setCouncil(loadCouncilFile(rt.councilFile));
      const late = await service.refreshOpenRounds();
      app.log.info({ lateOffers: late }, 'council directory reloaded');
    } catch (err) {
      app.log.error({ err: (err as Error).message }, 'council directory reload failed; keeping the previous one');
    }
  })();
});
process.on('SIGINT', () => void shutdown('SIGINT'));

await app.listen({ port, host });
