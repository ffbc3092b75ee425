/** The terminal summary of an audit: totals, then findings by rule, severity, channel, sender role and month. */
import pc from 'picocolors';
import type { AuditReport } from './report.js';
import type { Counts } from './tally.js';

function table(title: string, counts: Counts, c: ReturnType<typeof pc.createColors>): string {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  if (entries.length === 0) return '';
  const width = Math.max(...entries.map(([k]) => k.length));
  const lines = entries.map(([k, n]) => `  ${k.padEnd(width)}  ${String(n).padStart(7)}`);
  return `${c.bold(title)}\n${lines.join('\n')}\n\n`;
}

/** `3.5 h`, or `–` for a month with none. */
const hoursText = (h: number | null) => (h === null ? '–' : `${h} h`);
const share = (part: number, of: number) => (of === 0 ? '–' : `${part} of ${of} (${Math.round((part / of) * 100)}%)`);

function enquiriesText(e: NonNullable<AuditReport['enquiries']>, c: ReturnType<typeof pc.createColors>): string {
  let out = `${c.bold('Member enquiries')} (${e.months[0]} to ${e.months.at(-1)}; acknowledge within ${e.periods.acknowledge}, answer within ${e.periods.answer})\n`;
  out += `  ${e.open} open now, ${e.overdue > 0 ? c.yellow(`${e.overdue} overdue`) : '0 overdue'}\n`;
  for (const s of e.byService) if (s.open > 0) out += `  ${s.name}: ${s.open} open, ${s.overdue} overdue\n`;
  for (const s of e.onTime)
    out += `  ${s.name}: acknowledged on time ${share(s.acknowledgedOnTime, s.acknowledged)}; answered on time ${share(s.answeredOnTime, s.answered)}\n`;
  out += `  ${c.bold('Median hours to acknowledge / to answer, by service and month')}\n`;
  for (const m of e.medians) {
    const months = e.months.map((month, i) => ({ month, i })).filter(({ i }) => m.acknowledged[i]! > 0 || m.answered[i]! > 0);
    for (const { month, i } of months)
      out += `  ${m.name.padEnd(24)} ${month}  ${hoursText(m.acknowledge[i]!).padStart(8)} / ${hoursText(m.answer[i]!).padStart(8)}  (${m.acknowledged[i]} acknowledged, ${m.answered[i]} answered)\n`;
  }
  return `${out}\n`;
}

export function formatAuditText(report: AuditReport, options: { color: boolean }): string {
  const c = pc.createColors(options.color);
  const t = report.totals;
  let out = `${c.bold('Probity audit')} of ${report.input.label} (${report.input.kind}) for ${report.council.name}${report.complete ? '' : c.yellow(' — stopped part way')}\n`;
  out += `  ${t.messages} messages checked, ${t.messagesWithFindings} with findings, ${t.findings} findings`;
  out += t.unreadable > 0 ? `, ${c.yellow(`${t.unreadable} unreadable`)}\n\n` : '\n\n';
  out += table('By rule', report.byRule, c);
  out += table('By severity', report.bySeverity, c);
  out += table('By channel', report.byChannel, c);
  out += table('By sender role', report.bySenderRole, c);
  out += table('By month', report.byMonth, c);
  out += table(
    'By how sure Probity is',
    Object.fromEntries(report.confidence.bands.map((b) => [`${b.label} (${b.range})`, report.byConfidence[b.band] ?? 0])),
    c,
  );
  if (report.confidence.threshold > 0) {
    out += `${c.dim(`Counted only findings Probity is at least ${Math.round(report.confidence.threshold * 100)}% sure of (${report.confidence.source === 'option' ? '--min-confidence' : "the council's audit threshold"}).`)}
`;
  }
  out += table('Unreadable', report.unreadable.reasons, c);
  if (report.enquiries) out += enquiriesText(report.enquiries, c);
  out += `${c.dim(report.people.note)}\n`;
  return out;
}
