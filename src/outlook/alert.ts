/**
 * What the Smart Alert and the compose-form notification say: renderings of findings, like the Slack warning and
 * the IMAP nudge. Outlook shows at most 500 characters in a Smart Alert and 150 in a notification bar, so the text
 * is built to fit: the first finding (what is wrong and what to do instead), the clause it rests on, how sure
 * Probity is, then the other rules by name. The findings have already passed the council's `pre-send` confidence
 * threshold (the API applies it: `/v1/check?stage=pre-send`).
 */
import { confidencePercent, confidenceSentence } from '../channels/confidence.js';
import type { Finding, Severity } from '../lint/types.js';
import { CheckFailed } from './check-client.js';

export const MAX_ALERT_CHARS = 500;
export const MAX_NOTIFICATION_CHARS = 150;

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Findings at or above `min`, most severe first (the engine's order kept within a severity). */
export function blockingFindings(findings: readonly Finding[], min: Severity): Finding[] {
  const kept = findings.filter((f) => RANK[f.severity] !== undefined && RANK[f.severity] >= RANK[min]);
  return kept
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => RANK[b.finding.severity] - RANK[a.finding.severity] || a.index - b.index)
    .map((entry) => entry.finding);
}

function cut(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  if (max <= 1) return '…'.slice(0, max);
  const slice = clean.slice(0, max - 1);
  const space = slice.lastIndexOf(' ');
  return `${space > max * 0.6 ? slice.slice(0, space) : slice}…`;
}

function citation(finding: Finding, long: boolean): string {
  if (!finding.clause) return '';
  return long ? ` (${finding.clause.title}, ${finding.clause.ref})` : ` (protocol ${finding.clause.ref})`;
}

export interface AlertOptions {
  /** Soft block: tell the author that sending again unchanged sends it as it is. */
  resendHint: boolean;
}

export function alertMessage(findings: readonly Finding[], options: AlertOptions): string {
  const first = findings[0];
  if (!first) return '';
  const tail = options.resendHint ? ' To send it unchanged, press Send again.' : '';
  const key = (f: Finding) => `${f.rule}${f.clause ? ` (${f.clause.ref})` : ''}`;
  const others = findings
    .slice(1)
    .map(key)
    .filter((v, i, all) => all.indexOf(v) === i && v !== key(first));
  const rest = `${others.length ? ` ${cut(`Also: ${others.join(', ')}.`, 120)}` : ''}${tail}`;
  // What is wrong, then the clause it rests on, then what to do instead. No "Probity:" lead: Outlook puts the
  // add-in's name in the dialog's title bar.
  const problem = first.message.trim().replace(/[.\s]+$/, '');
  const fix = (first.suggestion ?? '').trim();
  const sure = ` ${confidenceSentence(first.confidence)}.`;
  for (const cite of [citation(first, true), citation(first, false)]) {
    const lead = `${problem}${cite}.${sure}`;
    const room = MAX_ALERT_CHARS - lead.length - rest.length;
    // The full clause title only if it leaves room to say what to do instead.
    if (room >= (fix ? Math.min(fix.length + 1, 120) : 0)) return `${lead}${fix ? ` ${cut(fix, room - 1)}` : ''}${rest}`;
  }
  const cite = citation(first, false);
  return `${cut(problem, Math.max(20, MAX_ALERT_CHARS - cite.length - 1 - sure.length - rest.length))}${cite}.${sure}${rest}`.slice(0, MAX_ALERT_CHARS);
}

/** The notification bar shown when recipients change: one line, the first finding and its clause. */
export function notificationMessage(findings: readonly Finding[]): string {
  const first = findings[0];
  if (!first) return '';
  const cite = first.clause ? ` (protocol ${first.clause.ref})` : '';
  const more = findings.length > 1 ? ` +${findings.length - 1} more` : '';
  const head = `Probity (${confidencePercent(first.confidence)}% sure): `;
  return `${head}${cut(first.message, MAX_NOTIFICATION_CHARS - head.length - cite.length - more.length)}${cite}${more}`;
}

/** The first words of every alert that says a message was not checked. */
export const COULD_NOT_CHECK = 'Probity could not check this message';

/** Why, in words the person writing can act on (never a stack trace, never the message). */
export function whyNotChecked(error: unknown): string {
  if (!(error instanceof CheckFailed)) return 'something went wrong in the add-in';
  switch (error.reason) {
    case 'sign-in':
      return error.detail || 'Outlook could not sign you in to Probity';
    case 'timeout':
      return 'the Probity service did not answer in time';
    case 'network':
      return 'the Probity service cannot be reached';
    case 'body':
      return 'the Probity service gave an answer the add-in cannot read';
    case 'status':
      if (error.detail === '401') return 'your sign-in was not accepted by the Probity service';
      if (error.detail === '403') return 'your account may not use the Probity service';
      if (error.detail === '429') return 'too many checks from your account this minute';
      return `the Probity service is unavailable (${error.detail || 'error'})`;
  }
}

/**
 * The Smart Alert when the check could not be made: said, never silent. Soft block: Send again unchanged sends
 * it unchecked (the author's choice, as after a finding); prompt user: Outlook's Send Anyway does.
 */
export function couldNotCheck(error: unknown, options: AlertOptions): string {
  const next = options.resendHint
    ? 'To send it unchecked, press Send again; or wait a minute and try again.'
    : 'You can send it unchecked, or wait a minute and try again.';
  return `${COULD_NOT_CHECK}: ${cut(whyNotChecked(error), 300)}. ${next} If this keeps happening, tell your IT service desk.`.slice(0, MAX_ALERT_CHARS);
}

/** The notification bar's line when a recipients check could not be made. */
export function couldNotCheckNotice(error: unknown): string {
  return cut(`${COULD_NOT_CHECK}: ${whyNotChecked(error)}.`, MAX_NOTIFICATION_CHARS);
}

/**
 * A short fingerprint of what is being sent (FNV-1a, 32 bits): lets "Send again, unchanged" through after a
 * soft block. It is kept in the item's session data; the text itself is not.
 */
export function fingerprint(parts: readonly string[]): string {
  let hash = 0x811c9dc5;
  const text = parts.join('\u0000');
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${text.length.toString(36)}.${hash.toString(36)}`;
}
