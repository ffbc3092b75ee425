/**
 * The nudge: a message Probity appends to the author's INBOX when a saved draft has findings, before it is sent.
 * It is a rendering of the findings, like the Slack warning and the Outlook alert: what looks risky and how sure
 * Probity is, the words that triggered it, the council's own clause, and a better way to say or route it. Plain
 * text and HTML, every piece of user or engine text escaped in the HTML.
 */
import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { confidenceSentence } from '../channels/confidence.js';
import type { Finding, Severity } from '../lint/types.js';

export const NUDGE_SUBJECT_PREFIX = 'Protocol check: ';
/** Marks Probity's own messages, so nothing (ours or a mail rule) mistakes a nudge for a person's mail. */
export const NUDGE_HEADER = 'X-Probity-Nudge';

export interface NudgeInput {
  /** The draft's subject, as the author wrote it. */
  draftSubject: string | undefined;
  /** The draft's recipients, shown so the author knows which draft is meant. */
  to: readonly string[];
  cc: readonly string[];
  bcc: readonly string[];
  findings: readonly Finding[];
  /** The council whose protocol was applied, e.g. "Ashcombe District Council". */
  council?: string;
}

export interface NudgeEnvelope {
  from: string;
  to: string;
  /** Fixed per draft and set of rules, so a redelivered job produces the same message. */
  messageId: string;
  date: Date;
}

const SEVERITY_LABEL: Record<Severity, string> = { error: 'Must fix', warning: 'Check', info: 'Good practice' };

/** Header-safe, one line, and not so long that clients cut it mid-word. */
export function nudgeSubject(draftSubject: string | undefined): string {
  const subject = (draftSubject ?? '')
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
  const shown = subject.length > 120 ? `${subject.slice(0, 119)}…` : subject;
  return NUDGE_SUBJECT_PREFIX + (shown || '(no subject)');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function recipientsLine(input: NudgeInput): string[] {
  const lines: string[] = [];
  if (input.to.length) lines.push(`To: ${input.to.join(', ')}`);
  if (input.cc.length) lines.push(`Cc: ${input.cc.join(', ')}`);
  if (input.bcc.length) lines.push(`Bcc: ${input.bcc.join(', ')}`);
  return lines;
}

function clauseLine(finding: Finding): string | null {
  if (!finding.clause) return null;
  const { title, ref, quote } = finding.clause;
  return `${title}, ${ref}${quote ? `: “${quote}”` : ''}`;
}

function countLine(findings: readonly Finding[]): string {
  return findings.length === 1 ? 'One thing to look at before you send it:' : `${findings.length} things to look at before you send it:`;
}

const CLOSING =
  'Your draft has not been changed. Edit it in Drafts, or send it as it is if you are sure it is right. ' +
  'Probity keeps no copy of your draft; it remembers only that it has told you about it.';

export function renderNudgeText(input: NudgeInput): string {
  const out: string[] = [];
  out.push(`Probity checked a draft you saved${input.council ? ` against the ${input.council} protocol` : ''}.`, '');
  out.push(`Draft: ${(input.draftSubject ?? '').trim() || '(no subject)'}`, ...recipientsLine(input), '');
  out.push(countLine(input.findings), '');
  input.findings.forEach((finding, i) => {
    out.push(`${i + 1}. ${finding.message} [${SEVERITY_LABEL[finding.severity]}: ${finding.rule}; ${confidenceSentence(finding.confidence)}]`);
    if (finding.excerpt) out.push(`   You wrote: “${finding.excerpt}”`);
    const clause = clauseLine(finding);
    if (clause) out.push(`   ${finding.goodPractice ? 'Good practice' : 'Protocol'}: ${clause}`);
    if (finding.suggestion) out.push(`   Instead: ${finding.suggestion}`);
    out.push('');
  });
  out.push(CLOSING, '');
  return out.join('\n');
}

export function renderNudgeHtml(input: NudgeInput): string {
  const e = escapeHtml;
  const items = input.findings
    .map((finding) => {
      const clause = clauseLine(finding);
      return [
        '<li style="margin:0 0 16px 0">',
        `<div><strong>${e(finding.message)}</strong> <span style="color:#555;font-size:90%">${e(SEVERITY_LABEL[finding.severity])} · ${e(finding.rule)} · ${e(confidenceSentence(finding.confidence))}</span></div>`,
        finding.excerpt
          ? `<div style="margin:4px 0;padding:4px 8px;border-left:3px solid #c9a227;background:#fdf8e6">You wrote: “${e(finding.excerpt)}”</div>`
          : '',
        clause ? `<div style="margin:4px 0;color:#333">${finding.goodPractice ? 'Good practice' : 'Protocol'}: ${e(clause)}</div>` : '',
        finding.suggestion ? `<div style="margin:4px 0;color:#1b5e20">Instead: ${e(finding.suggestion)}</div>` : '',
        '</li>',
      ].join('');
    })
    .join('\n');
  const recipients = recipientsLine(input)
    .map((line) => `<div>${e(line)}</div>`)
    .join('');
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8"><title>Protocol check</title></head>',
    '<body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.45;color:#111;max-width:680px">',
    `<p>Probity checked a draft you saved${input.council ? ` against the ${e(input.council)} protocol` : ''}.</p>`,
    `<div style="padding:8px 12px;background:#f3f4f6;border-radius:4px"><div><strong>Draft:</strong> ${e((input.draftSubject ?? '').trim() || '(no subject)')}</div>${recipients}</div>`,
    `<p>${e(countLine(input.findings))}</p>`,
    `<ol style="padding-left:20px">${items}</ol>`,
    `<p style="color:#444;font-size:90%">${e(CLOSING)}</p>`,
    '</body></html>',
  ].join('\n');
}

/** A fixed Message-ID per draft and set of rules: the same nudge, if ever built twice, is the same message. */
export function nudgeMessageId(draftKey: string, rules: readonly string[], domain = 'probity.invalid'): string {
  const hash = createHash('sha256')
    .update(`${draftKey}\0${[...rules].sort().join(',')}`)
    .digest('hex');
  return `<nudge-${hash.slice(0, 32)}@${domain}>`;
}

export async function buildNudgeMessage(input: NudgeInput, envelope: NudgeEnvelope): Promise<Buffer> {
  const composer = new MailComposer({
    from: envelope.from,
    to: envelope.to,
    subject: nudgeSubject(input.draftSubject),
    messageId: envelope.messageId,
    date: envelope.date,
    text: renderNudgeText(input),
    html: renderNudgeHtml(input),
    headers: { 'Auto-Submitted': 'auto-generated', [NUDGE_HEADER]: '1' },
  });
  return composer.compile().build();
}
