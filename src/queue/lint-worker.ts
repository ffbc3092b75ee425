/** The consumer side of the `lint` queue: a BullMQ worker that dispatches each job to its processor. */
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { LINT_QUEUE, SEALED_JOBS, type LintJobName, type LintJobResult } from './lint-jobs.js';
import { errorFields } from './log.js';
import type { LintProcessor, ProcessorContext, ProcessorRegistry } from './processor.js';
import { isSealed, QueueKeyError, type QueueKeys } from './sealed.js';

/**
 * Jobs processed at once per worker process. A job is a few milliseconds of CPU (the lint) and then waits on
 * Slack's API (getPermalink + postEphemeral, ~100–300 ms each), so a handful in flight keeps one core busy
 * without starving BullMQ's lock renewal; 8 also stays well inside chat.postEphemeral's ~100/min workspace limit
 * in bursts. Scale out with more worker processes rather than raising this.
 */
export const LINT_WORKER_CONCURRENCY = 8;

/** How long SIGTERM waits for running jobs before closing anyway (docker stops with SIGKILL after 10 s). */
export const LINT_WORKER_SHUTDOWN_MS = 8_000;

export interface LintWorkerOptions {
  /** A `workerConnection()` (maxRetriesPerRequest: null). */
  connection: Redis;
  prefix: string;
  context: Omit<ProcessorContext, 'rateLimit'>;
  concurrency?: number;
  /**
   * How long a job's lock lasts without renewal (renewed every half of it while the job runs), and how often
   * stalled jobs are looked for. A killed worker's jobs go to another worker within about twice this. BullMQ's
   * default, 30 s, suits most; lower it to hand work on sooner, never below a few seconds of event-loop stall.
   */
  lockDurationMs?: number;
  /** Job name → processor; a job whose name is missing fails as unrecoverable. */
  processors: ProcessorRegistry;
  /** Opens sealed job data (PROBITY_QUEUE_KEYS, the same as the Slack app's). Without them a sealed job fails. */
  keys?: QueueKeys;
}

/**
 * A job's data as the processor needs it: sealed data opened in memory. A job that carries message text and
 * arrives unsealed is refused, so a producer without keys is an error in the log, not a silent leak.
 */
export function openJobData(name: string, data: unknown, keys: QueueKeys | undefined): unknown {
  if (isSealed(data)) {
    if (!keys) throw new QueueKeyError('a sealed lint job arrived and PROBITY_QUEUE_KEYS is not set in the lint worker');
    return keys.open(name, data);
  }
  if ((SEALED_JOBS as readonly string[]).includes(name))
    throw new QueueKeyError(`lint job "${name}" arrived unsealed: its producer must seal it with PROBITY_QUEUE_KEYS`);
  return data;
}

export const LINT_LOCK_DURATION_MS = 30_000;
export const MIN_LINT_LOCK_MS = 5_000;

export interface LintWorker {
  readonly worker: Worker;
  /** Stop taking jobs, wait for running ones up to `timeoutMs`, then force-close. Resolves how it ended. */
  shutdown(timeoutMs?: number): Promise<'drained' | 'forced'>;
}

export function createLintWorker(options: LintWorkerOptions): LintWorker {
  const { connection, prefix, context } = options;
  const registry = options.processors;
  const log = context.log;
  // Queue-wide pause after a Slack 429 (BullMQ 6 moved manual rate limiting from the worker to the queue).
  const limiter = new Queue(LINT_QUEUE, { connection, prefix });
  const fullContext: ProcessorContext = { ...context, rateLimit: (ms) => limiter.rateLimit(ms) };

  const worker = new Worker<unknown, LintJobResult, string>(
    LINT_QUEUE,
    async (job: Job<unknown, LintJobResult, string>) => {
      const processor = (registry as Record<string, LintProcessor<LintJobName> | undefined>)[job.name];
      if (!processor) throw new UnrecoverableError(`no processor for lint job "${job.name}"`);
      let data: unknown;
      try {
        data = openJobData(job.name, job.data, options.keys);
      } catch (error) {
        throw new UnrecoverableError((error as Error).message);
      }
      return processor(data as never, fullContext, job);
    },
    {
      connection,
      prefix,
      concurrency: options.concurrency ?? LINT_WORKER_CONCURRENCY,
      lockDuration: options.lockDurationMs ?? LINT_LOCK_DURATION_MS,
      stalledInterval: options.lockDurationMs ?? LINT_LOCK_DURATION_MS,
    },
  );

  worker.on('error', (error) => log.error(errorFields(error), 'lint worker error'));
  worker.on('failed', (job, error) => {
    log.warn({ jobId: job?.id, job: job?.name, attemptsMade: job?.attemptsMade, ...errorFields(error) }, 'lint job failed');
  });
  worker.on('completed', (job, result) => {
    log.debug({ jobId: job.id, job: job.name, findings: result.findings, delivered: result.delivered }, 'lint job done');
  });

  return {
    worker,
    async shutdown(timeoutMs = LINT_WORKER_SHUTDOWN_MS) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'forced'>((resolve) => {
        timer = setTimeout(() => resolve('forced'), timeoutMs);
        timer.unref();
      });
      const outcome = await Promise.race([worker.close().then(() => 'drained' as const), timedOut]);
      clearTimeout(timer);
      // Forced: the running jobs' locks lapse and BullMQ hands them to another worker as stalled.
      if (outcome === 'forced') await worker.close(true);
      await limiter.close();
      return outcome;
    },
  };
}
