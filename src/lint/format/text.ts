/**
 * Pieces of the terminal rendering shared by the CLI's commands: counts, the closing summary line, protocol labels
 * and quote trimming. Each message's findings are rendered by src/cli/findings-text.ts. Pure: colour is decided by
 * the caller.
 */
import pc from 'picocolors';
import type { Finding } from '../types.js';

export type Colors = ReturnType<typeof pc.createColors>;

export interface TextFormatOptions {
  color: boolean;
}

/** Longer clause quotes are cut at a word boundary, with an ellipsis. */
export const MAX_QUOTE_CHARS = 160;

export interface FindingCounts {
  error: number;
  warning: number;
  info: number;
  /** Messages checked, and how many had at least one finding. */
  messages: number;
  messagesWithFindings: number;
  /** Messages (JSONL lines, array elements) that could not be read and so were not checked. */
  unreadable: number;
}

export function emptyCounts(): FindingCounts {
  return { error: 0, warning: 0, info: 0, messages: 0, messagesWithFindings: 0, unreadable: 0 };
}

export function countFindings(counts: FindingCounts, findings: readonly Finding[]): void {
  counts.messages++;
  if (findings.length > 0) counts.messagesWithFindings++;
  for (const f of findings) counts[f.severity]++;
}

/** Shorten a quote to `max` characters at a word boundary, whitespace collapsed. */
export function trimQuote(quote: string, max = MAX_QUOTE_CHARS): string {
  const flat = quote.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.lastIndexOf(' ', max - 1);
  return flat.slice(0, cut > max * 0.6 ? cut : max - 1).replace(/[\s,;:.]+$/, '') + '…';
}

/**
 * A short name for a protocol pack, from its id: "north-east-derbyshire" → "North East Derbyshire". Pack titles
 * are the documents' own ("Protocol for Councillor – Officer relations") and do not say whose protocol it is.
 */
export function protocolLabel(protocol: string): string {
  if (protocol === 'model') return 'Model protocol';
  return protocol
    .split('-')
    .map((word) => (word ? word[0]!.toUpperCase() + word.slice(1) : word))
    .join(' ');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The closing line: `✖ 5 problems (2 errors, 2 warnings, 1 info)` or `✔ 12 messages checked, no problems`, with
 * `; 2 could not be read` when some input was skipped (and then no ✔: the run did not check everything).
 */
export function formatSummaryText(counts: FindingCounts, options: TextFormatOptions): string {
  const c = pc.createColors(options.color);
  const total = counts.error + counts.warning + counts.info;
  const unread = counts.unreadable > 0 ? `; ${counts.unreadable} could not be read` : '';
  if (total === 0) {
    const line = `${plural(counts.messages, 'message')} checked, no problems${unread}`;
    return (unread ? c.yellow(`! ${line}`) : c.green(`✔ ${line}`)) + '\n';
  }
  const detail = `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info`;
  const scope = counts.messages > 1 ? ` in ${counts.messagesWithFindings} of ${plural(counts.messages, 'message')}` : '';
  const line = `✖ ${plural(total, 'problem')} (${detail})${scope}${unread}`;
  const colour = counts.error > 0 ? c.red : counts.warning > 0 ? c.yellow : c.blue;
  return c.bold(colour(line)) + '\n';
}
