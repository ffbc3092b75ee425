/**
 * `probity check`: read messages, lint each, print the findings sure enough for the stage (council.yaml
 * `confidence`, `pre-send` by default, or `--min-confidence`), and say by exit code whether any reached --fail-on.
 */
import type { ConfidenceStage } from '../directory/council.js';
import { atConfidence, thresholdFor } from '../lint/confidence.js';
import type { Linter } from '../lint/engine.js';
import { formatMessageJson } from '../lint/format/json.js';
import { countFindings, emptyCounts, formatSummaryText } from '../lint/format/text.js';
import type { Finding, Severity } from '../lint/types.js';
import { InputError } from '../mail/errors.js';
import { councilFile, loadCouncilLinter } from './council-file.js';
import { formatFindingsText, hiddenLine } from './findings-text.js';
import { readInput } from './input.js';
import { useColor, write, type OutputStream } from './output.js';
import { EXIT, type Io } from './io.js';

export type FailOn = Severity | 'never';
export type OutputFormat = 'text' | 'json';

export interface CheckOptions {
  council?: string;
  format: OutputFormat;
  failOn: FailOn;
  /** Whose threshold applies (default `pre-send`: a check before sending). */
  stage?: ConfidenceStage;
  /** Overrides the council's threshold for the stage. */
  minConfidence?: number;
}

const RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

function reaches(findings: readonly Finding[], failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return findings.some((f) => RANK[f.severity] >= RANK[failOn]);
}

/** `linter` is for tests; the command loads the council's. */
export async function check(file: string, options: CheckOptions, io: Io, linter?: Linter): Promise<number> {
  if (file === '-' && (io.stdin as { isTTY?: boolean }).isTTY) {
    throw new InputError('reading from stdin, but stdin is a terminal (pipe a message in, or name a file)');
  }
  linter ??= loadCouncilLinter(councilFile(options.council, io.env, io.cwd));
  const stage = options.stage ?? 'pre-send';
  const threshold = options.minConfidence ?? thresholdFor(linter.council, stage);
  // The council as this run applies it: `--min-confidence` in place of the stage's own threshold.
  const thresholds = { ...linter.council, confidence: { ...linter.council.confidence, [stage]: threshold } };
  let hidden = 0;
  const color = options.format === 'text' && useColor(io.stdout, io.env);
  const out: OutputStream = io.stdout;
  const counts = emptyCounts();
  let badInput = false;
  let failed = false;

  for await (const item of readInput(file, { stdin: () => io.stdin })) {
    if (item.kind === 'problem') {
      badInput = true;
      counts.unreadable++;
      await write(io.stderr, `probity: ${item.where}: ${item.reason}\n`);
      continue;
    }
    let findings: Finding[];
    try {
      const all = linter.lint(item.message).findings;
      findings = atConfidence(all, thresholds, stage);
      hidden += all.length - findings.length;
    } catch (err) {
      // An engine bug on one message must not stop an audit of thousands: report it and go on.
      badInput = true;
      counts.unreadable++;
      await write(io.stderr, `probity: ${item.header}: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      continue;
    }
    countFindings(counts, findings);
    if (reaches(findings, options.failOn)) failed = true;
    await write(out, options.format === 'json' ? formatMessageJson(item.id, findings) : formatFindingsText(item.header, findings, { color }));
  }
  if (options.format === 'text') await write(out, formatSummaryText(counts, { color }) + hiddenLine(hidden, threshold, { color }));
  // Bad input wins over findings: the run did not check everything it was given.
  return badInput ? EXIT.usage : failed ? EXIT.findings : EXIT.ok;
}
