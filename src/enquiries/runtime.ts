/**
 * The enquiry processes' settings from the environment, read once at start; a wrong value stops the process with
 * a line naming the variable. (Kept here, small, while the project's one settings schema is being written.)
 */
import { readFileSync } from 'node:fs';
import { parseCouncil, type Council } from '../directory/council.js';
import { EXAMPLE_COUNCIL } from '../lint/load.js';
import { loadResponseTimes } from './load.js';
import { enquirySettings, type EnquirySettings } from './settings.js';
import type { SmtpSettings } from './senders.js';

export interface EnquiryRuntime {
  councilFile: string;
  council: Council;
  settings: EnquirySettings;
  redisUrl: string;
  /** Key prefix of the enquiry records, and BullMQ's prefix. */
  prefix: string;
  queuePrefix: string;
  publicUrl: string;
  linkSecret: string;
  smtp?: SmtpSettings;
  slack?: { token: string; slackApiUrl?: string };
  worker: { concurrency: number; lockMs: number; stalledMs: number; attempts: number; backoffMs: number; sweepMs: number; shutdownMs: number };
  /** Tests only: a clock that starts at this instant and runs at real speed. */
  clockStart?: string;
}

export class EnquiryConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new EnquiryConfigError(`${name} must be a whole number ≥ ${min}, not "${raw}"`);
  return n;
}

function parseFrom(raw: string): { name: string; email: string } {
  const m = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(raw);
  return m ? { name: m[1]!.replace(/^"|"$/g, '') || m[2]!, email: m[2]! } : { name: raw.trim(), email: raw.trim() };
}

export function loadEnquiryRuntime(env: NodeJS.ProcessEnv = process.env): EnquiryRuntime {
  const councilFile = env.PROBITY_COUNCIL ?? EXAMPLE_COUNCIL;
  let text: string;
  try {
    text = readFileSync(councilFile, 'utf8');
  } catch {
    throw new EnquiryConfigError(`PROBITY_COUNCIL: cannot read "${councilFile}"`);
  }
  const council = parseCouncil(text, councilFile);
  const settings = enquirySettings(council, loadResponseTimes());
  const linkSecret = env.PROBITY_TOKEN_SECRET ?? '';
  if (linkSecret.length < 32) throw new EnquiryConfigError('PROBITY_TOKEN_SECRET must be set to at least 32 characters (it signs the one-click links)');
  const domain = council.domain ?? 'localhost';
  const from = parseFrom(env.ENQUIRY_FROM ?? `Member Services <${settings.mailboxes[0] ?? `member.enquiries@${domain}`}>`);
  const smtp: SmtpSettings | undefined =
    env.SMTP_URL || env.SMTP_HOST
      ? {
          ...(env.SMTP_URL ? { url: env.SMTP_URL } : {}),
          ...(env.SMTP_HOST ? { host: env.SMTP_HOST } : {}),
          port: int(env, 'SMTP_PORT', 25, 1),
          secure: env.SMTP_SECURE === 'true',
          ignoreTLS: env.SMTP_IGNORE_TLS === 'true',
          ...(env.SMTP_USER ? { auth: { user: env.SMTP_USER, pass: env.SMTP_PASS ?? '' } } : {}),
          from,
          domain,
        }
      : undefined;
  return {
    councilFile,
    council,
    settings,
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix: env.PROBITY_ENQUIRIES_PREFIX ?? 'probity:enquiries',
    queuePrefix: env.PROBITY_QUEUE_PREFIX ?? 'bull',
    publicUrl: env.PROBITY_PUBLIC_URL ?? `http://localhost:${env.PORT ?? 3000}`,
    linkSecret,
    ...(smtp ? { smtp } : {}),
    ...(env.SLACK_BOT_TOKEN ? { slack: { token: env.SLACK_BOT_TOKEN, ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}) } } : {}),
    worker: {
      concurrency: int(env, 'ENQUIRY_CONCURRENCY', 5, 1),
      lockMs: int(env, 'ENQUIRY_LOCK_MS', 30_000, 500),
      stalledMs: int(env, 'ENQUIRY_STALLED_MS', 30_000, 200),
      attempts: int(env, 'ENQUIRY_ATTEMPTS', 10, 1),
      backoffMs: int(env, 'ENQUIRY_BACKOFF_MS', 30_000, 1),
      sweepMs: int(env, 'ENQUIRY_SWEEP_MS', 300_000, 1000),
      shutdownMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 100),
    },
    ...(env.PROBITY_CLOCK_START ? { clockStart: env.PROBITY_CLOCK_START } : {}),
  };
}

/** The process clock: real time, or (tests) real time shifted to start at `clockStart`. */
export function runtimeClock(rt: Pick<EnquiryRuntime, 'clockStart'>): () => Date {
  if (!rt.clockStart) return () => new Date();
  const offset = Date.parse(rt.clockStart) - Date.now();
  return () => new Date(Date.now() + offset);
}
