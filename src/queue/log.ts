/**
 * A small structured logger for the worker and Slack processes: one JSON object per line on stdout.
 *
 * Privacy: callers pass ids, counts and error codes only, never message text (PRODUCT.md, "Privacy"). The
 * field names are fixed by convention (`jobId`, `eventId`, `channel`, `ts`, `user`, `rule`…), which makes a stray
 * `text` field easy to spot in review.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined | string[]>;

export interface Log {
  debug(fields: LogFields, msg: string): void;
  info(fields: LogFields, msg: string): void;
  warn(fields: LogFields, msg: string): void;
  error(fields: LogFields, msg: string): void;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

export function jsonLog(name: string, options: { level?: Level; write?: (line: string) => void } = {}): Log {
  const min = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const at = (level: Level) => (fields: LogFields, msg: string) => {
    if (LEVELS[level] < min) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level, name, msg, ...fields })}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** What may be logged about an error: its class and code, and its message only for errors we raise ourselves. */
export function errorFields(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error: typeof error };
  const code = (error as { code?: unknown }).code;
  const data = (error as { data?: { error?: unknown } }).data;
  return {
    error: error.name,
    code: typeof code === 'string' ? code : undefined,
    slackError: typeof data?.error === 'string' ? data.error : undefined,
    message: error.message.slice(0, 200),
  };
}
