/**
 * `runProcess`: what every Probity process does around its own work, so each entry point in workers/ is only
 * that work.
 *
 * - Settings: read and validated (src/process/settings.ts). A process that cannot start says why on stderr, one
 *   line per problem (`api: PROBITY_COUNCIL must be set: …`), and exits 1; never a stack trace (those go to the
 *   log with LOG_LEVEL=debug).
 * - One pino logger (src/process/log.ts) and Redis connections from one factory (src/process/redis.ts), which
 *   are awaited at start (retrying for PROBITY_REDIS_WAIT_MS, one log line) and closed at the end.
 * - SIGTERM/SIGINT: the process's `stop` (stop taking work, finish what is in hand), bounded by
 *   PROBITY_SHUTDOWN_MS, then exit 0 (1 when it had to give up).
 * - SIGHUP: the process's `reload`, which re-reads council.yaml; a file that fails validation is logged and the
 *   previous one kept.
 * - A heartbeat file while every Redis connection is up, for the container healthcheck (workers/healthcheck.ts).
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Council } from '../directory/council.js';
import { loadCouncil } from './council.js';
import { createLogger, type Logger } from './log.js';
import { connectRedis, describeRedis, outageLog, waitForRedis, type RedisProfile } from './redis.js';
import { loadSettings, SettingsError, type ProcessName, type SettingsFor } from './settings.js';

export interface Running {
  /** Stop taking work and finish what is in hand (connections made through the kit are closed afterwards). */
  stop(): Promise<void>;
  /** Re-read council.yaml (SIGHUP); throw to keep the previous one. What it resolves to is logged. */
  reload?(): Promise<Record<string, unknown> | void> | Record<string, unknown> | void;
}

export interface Kit<P extends ProcessName> {
  readonly name: P;
  readonly settings: SettingsFor<P>;
  /** The environment, for the settings named after the council's own ids (PROBITY_IMAP_<ID>_*), validated already. */
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  /** A Redis connection by the settings, logged, waited for by `ready()` and closed after `stop`. */
  redis(profile: RedisProfile, purpose: string): Redis;
  /** Resolves when every connection made so far is ready; one line and exit 1 when Redis stays away. */
  ready(): Promise<void>;
  /** council.yaml (PROBITY_COUNCIL), validated whole; throws CouncilConfigError. */
  council(): Council;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
}

/** How often the heartbeat is written, and how old it may be before the healthcheck fails. */
export const HEARTBEAT_MS = 10_000;
export const HEARTBEAT_STALE_MS = 35_000;

export function heartbeatFile(name: ProcessName): string {
  return join(tmpdir(), `probity-${name}.alive`);
}

/** What a failure may say: its message, one line per problem. */
function problemLines(err: unknown): string[] {
  if (err instanceof SettingsError) return [...err.problems];
  const problems = (err as { problems?: unknown }).problems;
  const file = (err as { file?: unknown }).file;
  if (Array.isArray(problems) && typeof file === 'string') return problems.map((p) => `${file}: ${String(p)}`);
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n').filter(Boolean);
}

export async function runProcess<P extends ProcessName>(name: P, start: (kit: Kit<P>) => Promise<Running>, options: RunOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  let log: Logger | undefined;
  let started = false;
  const debug = () => env.LOG_LEVEL?.trim() === 'debug' || env.LOG_LEVEL?.trim() === 'trace';

  const fail = (err: unknown): never => {
    for (const line of problemLines(err)) process.stderr.write(`${name}: ${line}\n`);
    if (debug() && err instanceof Error && err.stack) log?.debug({ stack: err.stack }, 'start-up failure');
    process.exit(1);
  };
  // After start-up a crash is one log line (the stack only at debug); the supervisor restarts the process.
  process.on('uncaughtException', (err) => {
    if (!started || !log) return fail(err);
    log.fatal({ error: err.name, ...(debug() ? { stack: err.stack } : {}) }, err.message.split('\n')[0]!);
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    throw err;
  });

  let settings: SettingsFor<P>;
  try {
    settings = loadSettings(name, env);
  } catch (err) {
    return fail(err);
  }
  // Every process reads these: settings.ts lists them for each.
  const common = settings as unknown as SettingsFor<'api'>;
  log = createLogger(name, common.LOG_LEVEL);
  const connections: Redis[] = [];
  const where = describeRedis(common);
  const watch = outageLog(log, where);
  const kit: Kit<P> = {
    name,
    settings,
    env,
    log,
    redis(profile, purpose) {
      const redis = connectRedis(common, profile, `probity-${name}-${purpose}`, watch);
      connections.push(redis);
      return redis;
    },
    async ready() {
      await Promise.all(connections.map((c) => waitForRedis(c, common.PROBITY_REDIS_WAIT_MS, where)));
    },
    council: () => {
      const file = (settings as { PROBITY_COUNCIL?: string }).PROBITY_COUNCIL;
      if (!file) throw new Error(`${name} reads no council.yaml`);
      return loadCouncil(file);
    },
  };

  // Signals during start-up: SIGTERM ends the process at once (there is nothing in hand yet); a SIGHUP is kept
  // and answered once started, rather than killing the process as its default action would.
  let running: Running | undefined;
  let hupWhileStarting = false;
  const early = (signal: NodeJS.Signals) => {
    if (signal === 'SIGHUP') {
      hupWhileStarting = true;
      return;
    }
    log!.info({ signal }, `${name} stopped while starting`);
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, early);
  try {
    running = await start(kit);
  } catch (err) {
    return fail(err);
  }
  started = true;
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.off(signal, early);
  const up = running;
  log.info({}, `${name} started`);

  const heartbeat = setInterval(() => beat(), HEARTBEAT_MS);
  heartbeat.unref();
  const beat = () => {
    if (connections.every((c) => c.status === 'ready')) {
      try {
        writeFileSync(heartbeatFile(name), String(Date.now()));
      } catch {
        // A read-only /tmp: the healthcheck will say so.
      }
    }
  };
  beat();

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    clearInterval(heartbeat);
    log!.info({ signal }, `${name} stopping`);
    const timer = setTimeout(() => {
      log!.warn({ shutdownMs: common.PROBITY_SHUTDOWN_MS }, `${name} did not stop within PROBITY_SHUTDOWN_MS; exiting`);
      process.exit(1);
    }, common.PROBITY_SHUTDOWN_MS);
    timer.unref();
    try {
      await up.stop();
    } catch (err) {
      log!.warn({ error: (err as Error).name, message: (err as Error).message }, 'error while stopping');
    }
    await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    clearTimeout(timer);
    log!.info({}, `${name} stopped`);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  const reload = async () => {
    try {
      const outcome = (await up.reload?.()) ?? {};
      log!.info(outcome, up.reload ? 'council.yaml reloaded' : 'SIGHUP: nothing to reload');
    } catch (err) {
      log!.error({ problems: problemLines(err) }, 'council.yaml reload failed; keeping the previous one');
    }
  };
  process.on('SIGHUP', () => void reload());
  if (hupWhileStarting) void reload();
}
