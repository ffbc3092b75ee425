/**
 * The `imap-draft` job on the `lint` queue: a reference to one draft (mailbox id, folder, UIDVALIDITY, UID),
 * never its text, addresses or credentials. The processor fetches the draft by UID when the job runs.
 */
import { createHash } from 'node:crypto';
import type { JobsOptions, Queue } from 'bullmq';

export const IMAP_DRAFT_JOB = 'imap-draft';

export interface ImapDraftJob {
  /** `MailboxConfig.id`: the processor looks the connection details up in its own environment. */
  mailbox: string;
  folder: string;
  uidValidity: string;
  uid: number;
}

/**
 * Autosave debounce: a job waits this long after the latest save of a draft before it runs, and every newer
 * save in that window replaces it. Long enough to fold a burst of saves into one check, short enough that the
 * nudge usually lands before the author sends.
 */
export const DEFAULT_DEBOUNCE_MS = 15_000;

/** One draft across its autosaved copies (see `draftKeys`); hashed, so no Message-ID sits in Redis. */
export function draftDeduplicationId(job: ImapDraftJob, messageId: string | undefined): string {
  const identity = messageId?.trim() ? `message-id\0${messageId.trim().toLowerCase()}` : `uid\0${job.uidValidity}\0${job.uid}`;
  const hash = createHash('sha256').update(`${job.mailbox}\0${job.folder}\0${identity}`).digest('hex');
  return `imap-draft-${hash.slice(0, 40)}`;
}

export function draftJobOptions(deduplicationId: string, debounceMs: number): JobsOptions {
  return {
    delay: debounceMs,
    // BullMQ's debounce mode: while the job waits, a newer save of the same draft replaces it and restarts the wait.
    deduplication: { id: deduplicationId, ttl: Math.max(debounceMs, 1), extend: true, replace: true },
    // An IMAP server that is briefly away should not cost the nudge.
    attempts: 5,
    backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
    removeOnComplete: true,
    removeOnFail: { count: 1000 },
  };
}

export async function enqueueDraft(queue: Queue, job: ImapDraftJob, messageId: string | undefined, debounceMs = DEFAULT_DEBOUNCE_MS): Promise<void> {
  await queue.add(IMAP_DRAFT_JOB, job, draftJobOptions(draftDeduplicationId(job, messageId), debounceMs));
}

declare module '../queue/lint-jobs.js' {
  interface LintJobs {
    'imap-draft': ImapDraftJob;
  }
}
