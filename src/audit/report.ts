/**
 * The audit report as data: what `--json` writes, and what the terminal summary and the HTML report render.
 * People appear as their labels (pseudonyms unless `--names`); message text (subjects, excerpts, finding
 * messages, which can quote the text) only in `examples`, which exists only with `--excerpts`.
 */
import { CONFIDENCE_BANDS, type ConfidenceBand } from '../channels/confidence.js';
import type { EnquiryFigures } from './enquiries.js';
import type { RunResult } from './run.js';
import type { ClauseCount, Counts, Example, ListedFinding, SenderCount, TallyCounts } from './tally.js';
import type { AuditSource } from './types.js';

/** Clauses and senders listed in the report. */
const TOP_CLAUSES = 15;
const TOP_SENDERS = 20;

export interface AuditReport extends TallyCounts {
  report: 'probity-audit';
  version: 1;
  generatedAt: string;
  startedAt: string;
  complete: boolean;
  council: { name: string; protocol: string };
  input: { kind: AuditSource['kind']; label: string };
  people: { mode: 'pseudonyms' | 'names'; key: 'given' | 'random'; note: string };
  excerpts: boolean;
  totals: { messages: number; unreadable: number; messagesWithFindings: number; findings: number };
  topClauses: ClauseCount[];
  topSenders: Array<SenderCount & { label: string }>;
  unreadable: { reasons: Counts; at: string[] };
  /**
   * How sure Probity had to be for a finding to count (the council's `audit` threshold, 0 by default, or
   * `--min-confidence`), and the bands `byConfidence` and `ruleByConfidence` group by, most sure first.
   */
  confidence: {
    stage: 'audit';
    threshold: number;
    source: 'council' | 'option';
    bands: Array<{ band: ConfidenceBand; label: string; range: string }>;
  };
  /** Every finding (up to the first 5,000) with its place, rule, clause and confidence; never its text. */
  findingList: { listed: ListedFinding[]; unlisted: number };
  examples?: Example[];
  /** With `--enquiries`: the member enquiries' response-time figures (enquiries.ts), counts only. */
  enquiries?: EnquiryFigures;
}

/** Band counts in the bands' order (most sure first), every band present. */
function bandCounts(counts: Counts): Counts {
  return Object.fromEntries(CONFIDENCE_BANDS.map((b) => [b.band, counts[b.band] ?? 0]));
}

function sortedCounts(counts: Counts, by: 'count' | 'key' = 'count'): Counts {
  const entries = Object.entries(counts);
  entries.sort(by === 'key' ? (a, b) => a[0].localeCompare(b[0]) : (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return Object.fromEntries(entries);
}

export interface ReportMeta {
  council: { name: string; protocol: string };
  source: AuditSource;
  names: boolean;
  now: Date;
}

export function buildReport(result: RunResult, meta: ReportMeta): AuditReport {
  const t = result.tally;
  const randomKey = result.key.source === 'random';
  const report: AuditReport = {
    report: 'probity-audit',
    version: 1,
    generatedAt: meta.now.toISOString(),
    startedAt: result.startedAt,
    complete: result.complete,
    council: meta.council,
    input: { kind: meta.source.kind, label: meta.source.label },
    people: {
      mode: meta.names ? 'names' : 'pseudonyms',
      key: randomKey ? 'random' : 'given',
      note: meta.names
        ? 'People are shown by name (--names).'
        : randomKey
          ? 'People are pseudonymised with a random key made for this run: the pseudonyms match no other report. Give --pseudonym-key or PROBITY_AUDIT_KEY for pseudonyms that stay the same between audits.'
          : 'People are pseudonymised with a keyed hash (HMAC-SHA256): the same person has the same pseudonym in every audit made with this key.',
    },
    excerpts: result.examples !== undefined,
    totals: { messages: t.messages, unreadable: t.unreadable, messagesWithFindings: t.messagesWithFindings, findings: t.findings },
    bySeverity: t.bySeverity,
    byRule: sortedCounts(t.byRule),
    byChannel: sortedCounts(t.byChannel),
    bySenderRole: sortedCounts(t.bySenderRole),
    byMonth: sortedCounts(t.byMonth, 'key'),
    messagesByMonth: sortedCounts(t.messagesByMonth, 'key'),
    ruleByMonth: Object.fromEntries(
      Object.entries(t.ruleByMonth)
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([rule, c]) => [rule, sortedCounts(c, 'key')]),
    ),
    byRolePair: sortedCounts(t.byRolePair),
    byConfidence: bandCounts(t.byConfidence),
    ruleByConfidence: Object.fromEntries(
      Object.entries(t.ruleByConfidence)
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([rule, c]) => [rule, bandCounts(c)]),
    ),
    confidence: {
      stage: 'audit',
      threshold: result.confidence.threshold,
      source: result.confidence.source,
      bands: CONFIDENCE_BANDS.map(({ band, label, range }) => ({ band, label, range })),
    },
    findingList: { listed: t.listed, unlisted: t.unlisted },
    topClauses: Object.values(t.clauses)
      .sort((a, b) => b.count - a.count || a.ref.localeCompare(b.ref))
      .slice(0, TOP_CLAUSES),
    topSenders: Object.entries(t.senders)
      .filter(([, s]) => s.findings > 0)
      .sort((a, b) => b[1].findings - a[1].findings || a[0].localeCompare(b[0]))
      .slice(0, TOP_SENDERS)
      .map(([label, s]) => ({ label, ...s })),
    unreadable: { reasons: sortedCounts(t.unreadableReasons), at: t.unreadableAt },
  };
  if (result.examples) report.examples = result.examples;
  return report;
}
