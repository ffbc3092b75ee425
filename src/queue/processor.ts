/** What a lint job processor is and what it is given. */
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Linter } from '../lint/engine.js';
import type { LintJobName, LintJobResult, LintJobs } from './lint-jobs.js';
import type { Log } from './log.js';

/**
 * Everything a processor may use, passed in by the worker process (no globals). A channel that needs more adds
 * an optional field from its own folder by declaration merging (`declare module '../queue/processor.js'`: Slack's
 * `slack` in slack/web-client.ts, IMAP's `imap` in mail/imap-draft-processor.ts), so the queue knows no channel.
 */
export interface ProcessorContext {
  linter: Linter;
  /** For small state: "already warned" markers and the like. Keys start with `keyPrefix`. */
  redis: Redis;
  keyPrefix: string;
  log: Log;
  /** Pause the whole queue for `ms` (after a 429); the processor then throws `RateLimitError`. */
  rateLimit(ms: number): Promise<void>;
}

export type LintProcessor<K extends LintJobName> = (
  data: LintJobs[K],
  context: ProcessorContext,
  job: Pick<Job, 'id' | 'name' | 'attemptsMade'>,
) => Promise<LintJobResult>;

/** Job name → processor, given by the worker process (workers/lint.worker.ts): the queue imports no channel. */
export type ProcessorRegistry = { [K in LintJobName]: LintProcessor<K> };
