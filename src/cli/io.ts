/** The process around a command, passed in so commands are testable without spawning. */
import type { OutputStream } from './output.js';

export interface Io {
  /** Only touched for '-': creating process.stdin has side effects (a handle, a TTY mode). */
  readonly stdin: NodeJS.ReadableStream;
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** 0: nothing reached --fail-on. 1: findings reached it. 2: bad usage or bad input (or an internal error). */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;
