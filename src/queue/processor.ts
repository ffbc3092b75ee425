/** What a lint job processor is and what it is given. */
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Linter } from '../lint/engine.js';
import type { SlackDelivery } from '../slack/web-client.js';
import type { LintJobName, LintJobResult, LintJobs } from './lint-jobs.js';
import type { Log } from './log.js';

/**
 * Everything a processor may use, passed in by the worker process (no globals). A channel that needs more
 * (an IMAP client factory, say) adds an optional field here.
 */
export interface ProcessorContext {
  linter: Linter;
  /** For small state: "already warned" markers and the like. Keys start with `keyPrefix`. */
  redis: Redis;
  keyPrefix: string;
  /** Absent when the worker runs without Slack credentials; Slack jobs then fail as unrecoverable. */
  slack?: SlackDelivery;
  log: Log;
  /** Pause the whole queue for `ms` (after a 429); the processor then throws `RateLimitError`. */
  rateLimit(ms: number): Promise<void>;
}

export type LintProcessor<K extends LintJobName> = (
  data: LintJobs[K],
  context: ProcessorContext,
  job: Pick<Job, 'id' | 'name' | 'attemptsMade'>,
) => Promise<LintJobResult>;

export type ProcessorRegistry = { [K in LintJobName]: LintProcessor<K> };
