/**
 * Configuration from the environment, shared by the HTTP server and the notice worker so both point at the same
 * council, ledger and queue. Read once at start; a missing or wrong value stops the process with a message
 * naming the variable.
 */
import { EXAMPLE_COUNCIL } from '../lint/load.js';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseCouncil, type Council } from '../directory/council.js';
import type { SmtpOptions } from './email.js';
import type { SlackOptions } from './slack.js';

export interface Runtime {
  council: Council;
  councilFile: string;
  redisUrl: string;
  ledgerPrefix: string;
  queuePrefix: string;
  publicUrl: string;
  from: { name: string; email: string };
  smtp?: SmtpOptions;
  slack?: SlackOptions;
  notice: {
    concurrency: number;
    lockMs: number;
    stalledMs: number;
    attempts: number;
    backoffMs: number;
    outboxIntervalMs: number;
    shutdownMs: number;
  };
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be a whole number ≥ ${min}, not "${raw}"`);
  return n;
}

/** `Name <address>` or a bare address. */
export function parseFrom(raw: string): { name: string; email: string } {
  const m = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(raw);
  return m ? { name: m[1]!.replace(/^"|"$/g, '') || m[2]!, email: m[2]! } : { name: raw.trim(), email: raw.trim() };
}

/** Read and validate the council directory (again, on SIGHUP). */
export function loadCouncilFile(councilFile: string): Council {
  let text: string;
  try {
    text = readFileSync(councilFile, 'utf8');
  } catch {
    throw new ConfigError(`PROBITY_COUNCIL: cannot read "${councilFile}"`);
  }
  return parseCouncil(text, councilFile);
}

export function loadRuntime(env: NodeJS.ProcessEnv = process.env): Runtime {
  const councilFile = env.PROBITY_COUNCIL ?? EXAMPLE_COUNCIL;
  const council = loadCouncilFile(councilFile);
  const domain = council.domain ?? 'localhost';
  const from = parseFrom(env.NOTICE_FROM ?? `Chief Executive's Office <briefings@${domain}>`);
  const smtp: SmtpOptions | undefined =
    env.SMTP_URL || env.SMTP_HOST
      ? {
          ...(env.SMTP_URL ? { url: env.SMTP_URL } : {}),
          ...(env.SMTP_HOST ? { host: env.SMTP_HOST } : {}),
          port: int(env, 'SMTP_PORT', 25, 1),
          secure: env.SMTP_SECURE === 'true',
          ignoreTLS: env.SMTP_IGNORE_TLS === 'true',
          ...(env.SMTP_USER ? { auth: { user: env.SMTP_USER, pass: env.SMTP_PASS ?? '' } } : {}),
          from,
        }
      : undefined;
  return {
    council,
    councilFile,
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    ledgerPrefix: env.PROBITY_LEDGER_PREFIX ?? 'probity:ledger',
    queuePrefix: env.PROBITY_QUEUE_PREFIX ?? 'bull',
    publicUrl: env.PROBITY_PUBLIC_URL ?? `http://localhost:${env.PORT ?? 3000}`,
    from,
    ...(smtp ? { smtp } : {}),
    ...(env.SLACK_BOT_TOKEN ? { slack: { token: env.SLACK_BOT_TOKEN, ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}) } } : {}),
    notice: {
      concurrency: int(env, 'NOTICE_CONCURRENCY', 5, 1),
      lockMs: int(env, 'NOTICE_LOCK_MS', 30_000, 1000),
      stalledMs: int(env, 'NOTICE_STALLED_MS', 30_000, 500),
      attempts: int(env, 'NOTICE_ATTEMPTS', 8, 1),
      backoffMs: int(env, 'NOTICE_BACKOFF_MS', 5_000, 1),
      outboxIntervalMs: int(env, 'OUTBOX_INTERVAL_MS', 5_000, 100),
      shutdownMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 100),
    },
  };
}

/** Record ids: a prefix and 10 random hex digits (never all digits, never a ':', safe as BullMQ job ids). */
export function randomId(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** One JSON line per event on stdout/stderr; ids only, never notice or briefing text. */
export function jsonLog(service: string, quiet = false) {
  const write = (level: string, msg: string, fields?: Record<string, unknown>) => {
    if (quiet && level === 'info') return;
    const line = JSON.stringify({ level, time: new Date().toISOString(), service, msg, ...fields });
    (level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
  };
  return {
    info: (msg: string, fields?: Record<string, unknown>) => write('info', msg, fields),
    warn: (msg: string, fields?: Record<string, unknown>) => write('warn', msg, fields),
    error: (msg: string, fields?: Record<string, unknown>) => write('error', msg, fields),
  };
}
