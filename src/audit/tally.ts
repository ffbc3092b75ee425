/**
 * The audit's figures: counts only, built message by message, so memory does not grow with the input (the
 * per-sender table is capped). No message text goes in here unless excerpts were asked for, and those are kept
 * apart (`Examples`) so the resumable state never holds them.
 */
import { confidenceBand, confidencePercent } from '../channels/confidence.js';
import { zonedParts } from '../directory/working-days.js';
import type { Finding, Message, Severity } from '../lint/types.js';
import type { People, SenderRole } from './pseudonym.js';

/** Distinct senders tracked one by one; beyond this they are added up as "(others)". */
const MAX_SENDERS = 20_000;
/** Unreadable entries whose place is listed (the rest are counted). */
const MAX_UNREADABLE_LISTED = 50;
/** Findings shown with their text when `--excerpts` is given. */
export const MAX_EXAMPLES = 200;
/**
 * Findings listed one by one (place, rule, clause, confidence; no text), so the report can be filtered by how
 * sure Probity was. Beyond this they are counted only: the list is in the resume state, which stays small.
 */
export const MAX_LISTED = 5_000;

export type Counts = Record<string, number>;

export interface ClauseCount {
  protocol: string;
  ref: string;
  title: string;
  rule: string;
  count: number;
}

export interface SenderCount {
  role: SenderRole;
  messages: number;
  findings: number;
}

/** The counts the report carries over from the tally as they are (sorted, but the same shape). */
export type TallyCounts = Pick<
  Tally,
  'bySeverity' | 'byRule' | 'byChannel' | 'bySenderRole' | 'byMonth' | 'messagesByMonth' | 'ruleByMonth' | 'byRolePair' | 'byConfidence' | 'ruleByConfidence'
>;

/** One finding, without any text: where it is, what it is, and how sure Probity was. */
export interface ListedFinding {
  where: string;
  month: string;
  channel: string;
  from: string;
  rule: string;
  severity: Severity;
  clause: string | null;
  /** 0–1, as the engine gave it. */
  confidence: number;
}

export interface Tally {
  messages: number;
  unreadable: number;
  messagesWithFindings: number;
  findings: number;
  bySeverity: Counts;
  byRule: Counts;
  byChannel: Counts;
  bySenderRole: Counts;
  byMonth: Counts;
  messagesByMonth: Counts;
  ruleByMonth: Record<string, Counts>;
  byRolePair: Counts;
  /** Findings by confidence band (`very-sure`, `fairly-sure`, `likely`, `unsure`: see channels/confidence.ts). */
  byConfidence: Counts;
  ruleByConfidence: Record<string, Counts>;
  /** The first MAX_LISTED findings; `unlisted` counts the rest. */
  listed: ListedFinding[];
  unlisted: number;
  clauses: Record<string, ClauseCount>;
  senders: Record<string, SenderCount>;
  unreadableReasons: Counts;
  unreadableAt: string[];
}

/** A listed finding with its words, for `--excerpts`. */
export interface Example extends ListedFinding {
  subject: string | null;
  message: string;
  excerpt: string;
}

export function emptyTally(): Tally {
  return {
    messages: 0,
    unreadable: 0,
    messagesWithFindings: 0,
    findings: 0,
    bySeverity: { error: 0, warning: 0, info: 0 },
    byRule: {},
    byChannel: {},
    bySenderRole: {},
    byMonth: {},
    messagesByMonth: {},
    ruleByMonth: {},
    byRolePair: {},
    byConfidence: {},
    ruleByConfidence: {},
    listed: [],
    unlisted: 0,
    clauses: {},
    senders: {},
    unreadableReasons: {},
    unreadableAt: [],
  };
}

function bump(counts: Counts, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** `2026-05` in the council's time zone; `unknown` without a date. */
export function monthOf(sentAt: string | undefined, timeZone: string): string {
  if (!sentAt) return 'unknown';
  const date = new Date(sentAt);
  if (Number.isNaN(date.getTime())) return 'unknown';
  return zonedParts(date, timeZone).date.slice(0, 7);
}

/** The recipients' roles, each once; `channel` for a Slack post that names nobody, `none` for mail to nobody. */
function recipientRoles(message: Message, people: People): string[] {
  const all = [...message.to, ...message.cc, ...message.bcc];
  if (all.length === 0) return [message.channel === 'slack' ? 'channel' : 'none'];
  return [...new Set(all.map((a) => people.role(a)))].sort();
}

export interface AddOptions {
  people: People;
  timeZone: string;
  /** Keep examples with their text (only with `--excerpts`). */
  examples?: Example[];
  where: string;
}

export function addMessage(tally: Tally, message: Message, findings: readonly Finding[], options: AddOptions): void {
  const { people } = options;
  const month = monthOf(message.sentAt, options.timeZone);
  const role = people.role(message.from);
  const label = people.label(message.from);
  tally.messages++;
  bump(tally.messagesByMonth, month);
  let sender = tally.senders[label];
  if (!sender) {
    if (Object.keys(tally.senders).length < MAX_SENDERS) sender = tally.senders[label] = { role, messages: 0, findings: 0 };
    else sender = tally.senders['(others)'] ??= { role: 'external', messages: 0, findings: 0 };
  }
  sender.messages++;
  if (findings.length === 0) return;
  tally.messagesWithFindings++;
  sender.findings += findings.length;
  const pairs = recipientRoles(message, people).map((to) => `${role}→${to}`);
  for (const f of findings) {
    tally.findings++;
    bump(tally.bySeverity, f.severity);
    bump(tally.byRule, f.rule);
    bump(tally.byChannel, message.channel);
    bump(tally.bySenderRole, role);
    bump(tally.byMonth, month);
    bump((tally.ruleByMonth[f.rule] ??= {}), month);
    for (const pair of pairs) bump(tally.byRolePair, pair);
    const band = confidenceBand(f.confidence);
    bump(tally.byConfidence, band);
    bump((tally.ruleByConfidence[f.rule] ??= {}), band);
    const clause = f.clause ? `${f.clause.protocol} ${f.clause.ref}` : null;
    if (f.clause) {
      const c = (tally.clauses[clause!] ??= { protocol: f.clause.protocol, ref: f.clause.ref, title: f.clause.title, rule: f.rule, count: 0 });
      c.count++;
    }
    const confidence = confidencePercent(f.confidence) / 100;
    if (tally.listed.length < MAX_LISTED) {
      tally.listed.push({ where: options.where, month, channel: message.channel, from: label, rule: f.rule, severity: f.severity, clause, confidence });
    } else tally.unlisted++;
    if (options.examples && options.examples.length < MAX_EXAMPLES) {
      options.examples.push({
        where: options.where,
        month,
        channel: message.channel,
        from: label,
        rule: f.rule,
        severity: f.severity,
        clause,
        confidence,
        subject: message.subject ?? null,
        message: f.message,
        excerpt: f.excerpt,
      });
    }
  }
}

/** Reasons are our own fixed wording (never a parser's message, which can quote the input). */
export function addUnreadable(tally: Tally, where: string, reason: string): void {
  tally.unreadable++;
  bump(tally.unreadableReasons, reason);
  if (tally.unreadableAt.length < MAX_UNREADABLE_LISTED) tally.unreadableAt.push(where);
}
