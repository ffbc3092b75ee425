/**
 * The `lint` queue's contract: job names, typed payloads, job options and ids.
 *
 * A payload carries references (channel, ts, user ids, where to reply) plus the text to check. The text has to
 * travel with the job (Slack lets a bot fetch history only at a crawl), so it is sealed with a key Redis does not
 * hold (sealed.ts): Redis, and so its AOF and snapshots, only ever see ciphertext. Every job is also removed on
 * completion and on final failure, and a processor returns ids and counts only, because BullMQ copies return
 * values into the queue's event stream.
 */
import type { JobsOptions } from 'bullmq';

export const LINT_QUEUE = 'lint';

/** A message seen in a channel or DM just after it was posted (or edited): warn the author privately. */
export interface SlackMessageJob {
  kind: 'posted' | 'edited';
  /** Slack's event id (used for the job id; duplicates are dropped before enqueueing). */
  eventId: string;
  teamId?: string;
  channel: string;
  /** The message's own ts (the id Slack uses for permalinks and edits). */
  ts: string;
  /** Set when the message is in a thread, so the warning appears in that thread. */
  threadTs?: string;
  /** Author's Slack user id: the only person who sees the warning. */
  user: string;
  /**
   * Slack user ids @mentioned. The processor adds the channel's members the text names (or, naming nobody, the
   * channel's members in the directory) when it runs, from the members cache.
   */
  to: string[];
  /** Plain text for the engine (Slack markup already converted). Held only while the job runs. */
  text: string;
  /** When it was posted, ISO 8601. */
  sentAt?: string;
}

/** Where an on-demand check answers: a slash command or message shortcut's response_url, or the draft modal. */
export type SlackReply = { via: 'response_url'; url: string } | { via: 'view'; viewId: string };

/** An on-demand private check: `/probity <draft>`, the "Check a draft" modal, or "Check against protocol". */
export interface SlackCheckJob {
  source: 'command' | 'modal' | 'message-shortcut';
  /** Who asked: the only person who sees the answer. */
  user: string;
  /** Whose words they are (the asker for a draft; the message's author for the message shortcut). */
  from: string;
  to: string[];
  text: string;
  reply: SlackReply;
  /**
   * The conversation: for the message shortcut the message's, for `/probity` the one the draft was typed in (its
   * members are who a draft there would address). Absent for the modal, which names its recipients itself.
   */
  channel?: string;
  /** For the message shortcut: which message was checked. */
  ts?: string;
}

/**
 * Job name → payload. Another channel adds its job here (or by module augmentation from its own file:
 * `declare module '../queue/lint-jobs.js' { interface LintJobs { 'imap-draft': ImapDraftJob } }`) and one line to
 * the registry in `workers/lint.worker.ts` (the queue imports no channel).
 */
export interface LintJobs {
  'slack-message': SlackMessageJob;
  'slack-check': SlackCheckJob;
}

export type LintJobName = keyof LintJobs;

/** Jobs that carry message text: the worker refuses them unless sealed. (`imap-draft` carries a reference only.) */
export const SEALED_JOBS = ['slack-message', 'slack-check'] as const satisfies readonly LintJobName[];

/** What a processor may return: counts and ids only (BullMQ keeps return values in its event stream). */
export interface LintJobResult {
  findings: number;
  /** How the result reached the person, e.g. `ephemeral`, `dm`, `response_url`, `view`, `none`. */
  delivered: string;
}

/** Attempts for transient failures (Slack 5xx, network). A Slack 429 does not use one up (see RateLimitError). */
export const LINT_JOB_ATTEMPTS = 3;

export const LINT_JOB_OPTIONS = {
  // The text must not outlive the job: no completed or failed job is kept.
  removeOnComplete: true,
  removeOnFail: true,
  attempts: LINT_JOB_ATTEMPTS,
  // 1 s, 2 s, 4 s with jitter: long enough for a Slack blip, short enough to stay "within about a second"-ish.
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
} satisfies JobsOptions;

/**
 * A BullMQ job id from parts. BullMQ refuses ids containing ':' (its key separator) and all-digit ids (they clash
 * with its own counters), so anything outside [A-Za-z0-9_.-] becomes '-' and the job name leads.
 */
export function lintJobId(name: LintJobName | (string & {}), ...parts: string[]): string {
  return [name, ...parts].map((part) => part.replace(/[^A-Za-z0-9_.-]/g, '-')).join('-');
}
