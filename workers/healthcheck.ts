/**
 * The container healthcheck (docker-compose.yml, Dockerfile): exit 0 when the process is healthy, 1 otherwise.
 *
 *   node dist/workers/healthcheck.js http://127.0.0.1:3000/healthz    an HTTP process answers 200
 *   node dist/workers/healthcheck.js lint-worker                       a worker's heartbeat is fresh: runProcess
 *                                                                      writes it while every Redis connection is up
 */
import { readFileSync } from 'node:fs';
import { HEARTBEAT_STALE_MS, heartbeatFile } from '../src/process/run.js';
import { PROCESSES, type ProcessName } from '../src/process/settings.js';

const target = process.argv[2] ?? '';
async function healthy(): Promise<boolean> {
  if (/^https?:\/\//.test(target)) {
    const response = await fetch(target, { signal: AbortSignal.timeout(4000) });
    return response.ok;
  }
  if (!(PROCESSES as readonly string[]).includes(target)) throw new Error(`usage: healthcheck <url | ${PROCESSES.join(' | ')}>`);
  const at = Number(readFileSync(heartbeatFile(target as ProcessName), 'utf8'));
  return Date.now() - at < HEARTBEAT_STALE_MS;
}

healthy().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err: unknown) => {
    process.stderr.write(`healthcheck: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
