/**
 * The one logger of every Probity process: pino (which Fastify already uses), one JSON object per line on stdout,
 * `level` as a word, an ISO time, the process's name and pid.
 *
 * Privacy: callers pass ids, counts and error codes, never message text (PRODUCT.md, "Privacy"); as a second
 * line of defence the fields that would carry text or credentials are redacted wherever they appear.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** Field names that hold message text or credentials: never written, whatever logs them. */
export const REDACTED_FIELDS = ['text', 'html', 'body', 'subject', 'draft', 'password', 'token', 'authorization', 'cookie'] as const;
const REDACT_PATHS = [
  ...REDACTED_FIELDS,
  ...REDACTED_FIELDS.map((f) => `*.${f}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-slack-signature"]',
];

/** The options, for Fastify, which builds its pino from options (the API's request log is the same logger). */
export function loggerOptions(name: string, level: LogLevel = 'info') {
  return {
    name,
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
}

export function createLogger(name: string, level: LogLevel = 'info', destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(name, level), destination) : pino(loggerOptions(name, level));
}
