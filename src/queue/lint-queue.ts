/**
 * The producer side of the `lint` queue, used by the Slack app. Every job's data is sealed with the queue keys
 * (sealed.ts) before it reaches Redis, so message text is never in Redis's files.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { LINT_JOB_OPTIONS, LINT_QUEUE, type LintJobName, type LintJobs } from './lint-jobs.js';
import { errorFields, type Log } from './log.js';
import type { QueueKeys } from './sealed.js';

export interface LintProducer {
  /**
   * Queue a job. `id` makes it idempotent while the job exists (a second add with the same id is ignored).
   * Rejects at once when Redis is unreachable (the connection should come from `producerConnection`).
   */
  add<K extends LintJobName>(name: K, data: LintJobs[K], options: { id: string; delay?: number }): Promise<string>;
  readonly queue: Queue;
  close(): Promise<void>;
}

export interface LintProducerOptions {
  connection: Redis;
  prefix: string;
  /** Seals each job's data (PROBITY_QUEUE_KEYS): Redis holds ciphertext only. */
  keys: QueueKeys;
  /** Where connection errors go (each add() also rejects, so callers answer "try again"). */
  log?: Log;
}

export function createLintProducer({ connection, prefix, keys, log }: LintProducerOptions): LintProducer {
  const queue = new Queue(LINT_QUEUE, { connection, prefix, defaultJobOptions: LINT_JOB_OPTIONS });
  queue.on('error', (error) => log?.warn(errorFields(error), 'lint queue error'));
  return {
    queue,
    async add(name, data, { id, delay }) {
      if (id.includes(':')) throw new Error(`lint job id must not contain ':' (got ${id})`);
      const job = await queue.add(name, keys.seal(name, data), { jobId: id, ...(delay ? { delay } : {}) });
      return job.id ?? id;
    },
    close: () => queue.close(),
  };
}
