/**
 * What code below the processes logs through: the process's pino logger (src/process/log.ts) fits it, and tests
 * pass a recorder.
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
