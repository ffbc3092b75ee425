/**
 * `probity check`'s text rendering of one message's findings: src/lint/format/text.ts's layout (ESLint's
 * "stylish": `line:col  severity  rule  message`, the clause, the suggestion) with a line saying how sure Probity
 * is of each finding, in the words every channel uses.
 */
import pc from 'picocolors';
import { confidenceSentence } from '../channels/confidence.js';
import { protocolLabel, trimQuote, type TextFormatOptions } from '../lint/format/text.js';
import type { Finding, Severity } from '../lint/types.js';
import type { Region } from './source-position.js';

type Colors = ReturnType<typeof pc.createColors>;

function severityLabel(severity: Severity, c: Colors): string {
  const padded = severity.padEnd(7);
  return severity === 'error' ? c.red(padded) : severity === 'warning' ? c.yellow(padded) : c.blue(padded);
}

/**
 * The words a finding is about, on one line: whitespace folded, long excerpts cut at a word with "…", and control
 * characters (a terminal escape in a hostile message) shown as spaces.
 */
export function excerptLine(excerpt: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  return trimQuote(excerpt.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' '));
}

/**
 * One message's findings; '' when there are none (clean messages are not listed, as in ESLint). `regions`: where
 * each finding is in the file as given (source-position.ts); without them, its place in the analysed body.
 */
export function formatFindingsText(header: string, findings: readonly Finding[], options: TextFormatOptions, regions?: readonly Region[]): string {
  if (findings.length === 0) return '';
  const c = pc.createColors(options.color);
  const positions = findings.map((f, i) => (regions?.[i] ? `${regions[i].startLine}:${regions[i].startColumn}` : `${f.span.line}:${f.span.column}`));
  const posWidth = Math.max(...positions.map((p) => p.length));
  const ruleWidth = Math.max(...findings.map((f) => f.rule.length));
  const indent = ' '.repeat(2 + posWidth + 2 + 7 + 2);
  const lines = [c.underline(header)];
  findings.forEach((f, i) => {
    lines.push(`  ${c.dim(positions[i]!.padEnd(posWidth))}  ${severityLabel(f.severity, c)}  ${c.dim(f.rule.padEnd(ruleWidth))}  ${f.message}`);
    const excerpt = excerptLine(f.excerpt);
    if (excerpt) lines.push(`${indent}${c.dim('>')} ${excerpt}`);
    lines.push(`${indent}${c.dim(`${confidenceSentence(f.confidence)}.`)}`);
    if (f.clause) {
      const practice = f.goodPractice ? c.dim(' (good practice)') : '';
      lines.push(`${indent}${c.cyan(`${protocolLabel(f.clause.protocol)} ${f.clause.ref}`)}: "${trimQuote(f.clause.quote)}"${practice}`);
    }
    if (f.suggestion) lines.push(`${indent}${c.green('→')} ${f.suggestion}`);
  });
  return lines.join('\n') + '\n\n';
}

/** The line after the summary when findings were left out: "2 less sure findings not shown (below 0.5; …)". */
export function hiddenLine(hidden: number, threshold: number, options: TextFormatOptions): string {
  if (hidden === 0) return '';
  const c = pc.createColors(options.color);
  const what = hidden === 1 ? '1 less sure finding' : `${hidden} less sure findings`;
  return c.dim(`${what} not shown (confidence below ${threshold}; --min-confidence 0 shows every finding)`) + '\n';
}

/** A line after the summary about how the run read its input ("plain text was checked without --from…"). */
export function noteLine(note: string, options: TextFormatOptions): string {
  return pc.createColors(options.color).dim(`note: ${note}`) + '\n';
}
