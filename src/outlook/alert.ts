/**
 * What the Smart Alert and the compose-form notification say: renderings of findings, like the Slack warning and
 * the IMAP nudge. Outlook shows at most 500 characters in a Smart Alert and 150 in a notification bar, so the text
 * is built to fit: the first finding (what is wrong and what to do instead), the clause it rests on, then the
 * other rules by name.
 */
import type { Finding, Severity } from '../lint/types.js';

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
  const head = 'Probity: ';
  const tail = options.resendHint ? ' To send it unchanged, press Send again.' : '';
  const others = findings
    .slice(1)
    .map((f) => `${f.rule}${f.clause ? ` (${f.clause.ref})` : ''}`)
    .filter((v, i, all) => all.indexOf(v) === i && v !== `${first.rule}${first.clause ? ` (${first.clause.ref})` : ''}`);
  const more = others.length ? ` ${cut(`Also: ${others.join(', ')}.`, 120)}` : '';
  const what = `${first.message.trim()}${first.suggestion ? ` ${first.suggestion.trim()}` : ''}`;
  const build = (cite: string) => `${head}${cut(what, MAX_ALERT_CHARS - head.length - cite.length - more.length - tail.length)}${cite}${more}${tail}`;
  // The clause's full title when it leaves room to say what to fix; the bare ref otherwise.
  const long = citation(first, true);
  if (MAX_ALERT_CHARS - head.length - long.length - more.length - tail.length >= 200) return build(long);
  return build(citation(first, false));
}

/** The notification bar shown when recipients change: one line, the first finding and its clause. */
export function notificationMessage(findings: readonly Finding[]): string {
  const first = findings[0];
  if (!first) return '';
  const cite = first.clause ? ` (protocol ${first.clause.ref})` : '';
  const more = findings.length > 1 ? ` +${findings.length - 1} more` : '';
  const head = 'Probity: ';
  return `${head}${cut(first.message, MAX_NOTIFICATION_CHARS - head.length - cite.length - more.length)}${cite}${more}`;
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
