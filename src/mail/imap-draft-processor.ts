/**
 * The `imap-draft` processor on the lint queue: fetch one saved draft by UID, lint it, and when it has findings
 * (at the minimum severity and the council's `pre-send` confidence threshold) the author has not been told about,
 * append a nudge to their INBOX and keyword the draft (where the server keeps keywords). The draft's text exists
 * only in this function's memory; the draft itself is never changed.
 */
import { randomUUID } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import type { ImapFlow, MailboxObject } from 'imapflow';
import { atConfidence } from '../lint/confidence.js';
import type { Linter } from '../lint/engine.js';
import type { Finding, Severity } from '../lint/types.js';
import type { LintJobResult } from '../queue/lint-jobs.js';
import { errorFields, type Log } from '../queue/log.js';
import type { LintProcessor } from '../queue/processor.js';
import type { ImapDraftJob } from './draft-job.js';
import { closeQuietly, createImapClient, errorSummary } from './imap-client.js';
import type { MailboxConfig } from './imap-config.js';
import { parseDraft, type ParsedDraft } from './imap-parse.js';
import { DraftState, draftKeys, type NudgeLease } from './imap-state.js';
import { buildNudgeMessage, nudgeMessageId } from './nudge.js';

/** What the processor needs beyond the shared context: which mailboxes it may open, and how to nudge. */
export interface ImapContext {
  mailboxes: ReadonlyMap<string, MailboxConfig>;
  /** Findings below this are not worth interrupting someone's inbox for. */
  minSeverity: Severity;
  /** `From:` of the nudge. */
  nudgeFrom: string;
  /** Keyword set on a draft in which Probity found something, where the folder's PERMANENTFLAGS include `\*`. */
  keyword: string;
}

declare module '../queue/processor.js' {
  interface ProcessorContext {
    /** For `imap-draft` jobs: the worker process builds it from its settings (workers/lint.worker.ts). */
    imap?: ImapContext;
  }
}

export const DEFAULT_KEYWORD = '$ProbityChecked';
/**
 * Drafts above this size are read only this far: text parts come before attachments in what mail clients write,
 * and a 25 MB attachment has no business sitting in a worker's memory.
 */
export const MAX_DRAFT_BYTES = 2 * 1024 * 1024;

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function atLeast(severity: Severity, min: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[min];
}

export type DraftStatus = 'nudged' | 'already-nudged' | 'clean' | 'gone' | 'stale' | 'unreadable';

export interface DraftOutcome {
  status: DraftStatus;
  /** Findings at or above the minimum severity and the pre-send confidence threshold. */
  findings: number;
  rules: string[];
  /** When a nudge was delivered or found: how its lease was had (`own`/`taken`: an earlier run stopped part-way). */
  lease?: NudgeLease;
}

export interface CheckDraftDeps {
  imap: ImapContext;
  linter: Linter;
  state: DraftState;
  log: Log;
  now?: () => Date;
  /** Who is checking, for the nudge's lease: the job id, the same on every run of one job. */
  owner?: string;
}

/**
 * Another job holds the lease on this very nudge and may be appending it now. Thrown so BullMQ retries the job
 * with backoff: by then the nudge is delivered (nothing to do) or the lease is old enough to take over.
 */
export class NudgeBusyError extends Error {
  constructor() {
    super('another job is delivering this nudge; retrying later');
    this.name = 'NudgeBusyError';
  }
}

export const imapDraftProcessor: LintProcessor<'imap-draft'> = async (data, context, job): Promise<LintJobResult> => {
  const imap = context.imap;
  if (!imap) throw new UnrecoverableError('imap-draft job on a worker with no IMAP mailboxes (PROBITY_IMAP_MAILBOXES)');
  const outcome = await checkDraft(data, {
    imap,
    linter: context.linter,
    state: new DraftState(context.redis, context.keyPrefix, { nudgedTtlSeconds: Math.ceil(context.linter.council.retention.findings / 1000) }),
    log: context.log,
    owner: `job:${job.id}`,
  });
  context.log.info(
    {
      jobId: job.id,
      mailbox: data.mailbox,
      uid: data.uid,
      status: outcome.status,
      findings: outcome.findings,
      rules: outcome.rules,
      ...(outcome.lease ? { lease: outcome.lease } : {}),
    },
    'imap draft checked',
  );
  return { findings: outcome.findings, delivered: outcome.status === 'nudged' ? 'imap-nudge' : 'none' };
};

export async function checkDraft(job: ImapDraftJob, deps: CheckDraftDeps): Promise<DraftOutcome> {
  const config = deps.imap.mailboxes.get(job.mailbox);
  // Config changed since the job was queued: retrying will not help.
  if (!config) throw new UnrecoverableError(`imap-draft job for a mailbox that is not configured here: ${job.mailbox}`);
  const client = createImapClient(config, { idle: false });
  client.on('error', (error: unknown) => deps.log.warn({ mailbox: config.id, ...errorSummary(error) }, 'imap error'));
  const owner = deps.owner ?? `run:${randomUUID()}`;
  try {
    await client.connect();
    const lock = await client.getMailboxLock(job.folder);
    let checked: Checked;
    try {
      checked = await checkSelected(client, config, job, deps, owner);
    } finally {
      lock.release();
    }
    if (!checked.nudge) return checked.outcome;
    return await deliverNudge(client, config, checked.outcome, checked.nudge, deps, owner);
  } finally {
    await closeQuietly(client);
  }
}

interface Checked {
  outcome: DraftOutcome;
  /** Set when this run holds the lease on a nudge to deliver. */
  nudge?: { keys: string[]; rules: string[]; lease: NudgeLease; messageId: string; source: Buffer };
}

const none = (status: DraftStatus): Checked => ({ outcome: { status, findings: 0, rules: [] } });

/**
 * Appends the nudge to INBOX unless it is already there. Its Message-ID is fixed per draft and set of rules, so a
 * nudge appended by an earlier run that died or lost the server's answer before recording it is found, not
 * repeated. A failure records nothing: the lease lapses or is taken over, and the next run looks again.
 */
async function deliverNudge(
  client: ImapFlow,
  config: MailboxConfig,
  outcome: DraftOutcome,
  nudge: NonNullable<Checked['nudge']>,
  deps: CheckDraftDeps,
  owner: string,
): Promise<DraftOutcome> {
  const present = await inFolder(client, config.inboxPath, nudge.messageId);
  if (present === 'unknown') {
    // A server that refuses SEARCH HEADER: better a nudge twice (after a crash) than a breach unflagged.
    deps.log.warn({ mailbox: config.id }, 'imap server refused SEARCH HEADER Message-ID; appending without looking');
  }
  if (present !== true) await client.append(config.inboxPath, nudge.source, []);
  await deps.state.finishNudge(nudge.keys, nudge.rules, nudge.messageId, owner);
  return { ...outcome, status: present === true ? 'already-nudged' : 'nudged', lease: nudge.lease };
}

/** Whether a message with this Message-ID is in the folder; `unknown` when the server refuses the search. */
async function inFolder(client: ImapFlow, path: string, messageId: string): Promise<boolean | 'unknown'> {
  const lock = await client.getMailboxLock(path);
  try {
    const found = await client.search({ header: { 'message-id': messageId } }, { uid: true });
    if (!Array.isArray(found)) return 'unknown';
    return found.length > 0;
  } finally {
    lock.release();
  }
}

async function checkSelected(client: ImapFlow, config: MailboxConfig, job: ImapDraftJob, deps: CheckDraftDeps, owner: string): Promise<Checked> {
  const folder = client.mailbox as MailboxObject;
  // The folder was recreated since the scan: these UIDs mean other messages now. The watcher rescans it.
  if (folder.uidValidity.toString() !== job.uidValidity) return none('stale');

  const uid = String(job.uid);
  const meta = await client.fetchOne(uid, { uid: true, size: true, flags: true }, { uid: true });
  // Replaced by a newer autosave, or sent: nothing to check.
  if (!meta) return none('gone');
  const large = (meta.size ?? 0) > MAX_DRAFT_BYTES;
  const fetched = await client.fetchOne(uid, { uid: true, source: large ? { maxLength: MAX_DRAFT_BYTES } : true }, { uid: true });
  if (!fetched || !fetched.source) return none('gone');

  let draft: ParsedDraft;
  try {
    draft = await parseDraft(fetched.source);
  } catch (error) {
    deps.log.warn({ mailbox: config.id, uid: job.uid, ...errorFields(error) }, 'imap draft unreadable');
    return none('unreadable');
  }
  // Some clients add From only at send time; the mailbox owner is the author.
  if (!draft.message.from && config.address) draft.message.from = config.address.toLowerCase();

  // A nudge comes before sending: the council's pre-send threshold, as for /probity and Outlook.
  const serious = deps.linter.lint(draft.message).findings.filter((f) => atLeast(f.severity, deps.imap.minSeverity));
  const findings = atConfidence(serious, deps.linter.council, 'pre-send');
  if (findings.length === 0) return none('clean');
  const rules = [...new Set(findings.map((f) => f.rule))].sort();

  const keys = draftKeys(config.id, draft.messageId, draft.message);
  const messageId = nudgeMessageId(keys[0]!, rules);
  const claim = await deps.state.claimNudge(keys, rules, messageId, owner);
  if (claim.kind === 'busy') throw new NudgeBusyError();
  const keyword = deps.imap.keyword;
  if (folder.permanentFlags?.has('\\*') && !meta.flags?.has(keyword)) {
    await client.messageFlagsAdd(uid, [keyword], { uid: true });
  }
  const outcome: DraftOutcome = { status: 'already-nudged', findings: findings.length, rules };
  if (claim.kind === 'done') return { outcome };
  return { outcome, nudge: { keys, rules: claim.rules, lease: claim.lease, messageId, source: await nudgeFor(config, draft, findings, messageId, deps) } };
}

function nudgeFor(config: MailboxConfig, draft: ParsedDraft, findings: Finding[], messageId: string, deps: CheckDraftDeps): Promise<Buffer> {
  const { message } = draft;
  return buildNudgeMessage(
    { draftSubject: message.subject, to: message.to, cc: message.cc, bcc: message.bcc, findings, council: deps.linter.council.council },
    {
      from: deps.imap.nudgeFrom,
      to: config.address ?? (message.from || config.user),
      messageId,
      date: deps.now?.() ?? new Date(),
    },
  );
}
