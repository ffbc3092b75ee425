/**
 * `probity check`: read messages from files, folders, globs or stdin, lint each, print the findings sure enough
 * for the stage (council.yaml `confidence`, `pre-send` by default, or `--min-confidence`), and say by exit code
 * the worst over all of them: 2 when any input could not be read, else 1 when a finding reached --fail-on.
 */
import { resolve, type ConfidenceStage } from '../directory/council.js';
import { atConfidence, thresholdFor } from '../lint/confidence.js';
import type { Linter } from '../lint/engine.js';
import { formatMessageJson } from '../lint/format/json.js';
import { countFindings, emptyCounts, formatSummaryText } from '../lint/format/text.js';
import type { Finding, Severity } from '../lint/types.js';
import { InputError } from '../mail/errors.js';
import { councilFile, loadCouncilLinter } from './council-file.js';
import { formatFindingsText, hiddenLine, noteLine } from './findings-text.js';
import { readInput } from './input.js';
import { regionInFile, type Region } from './source-position.js';
import { SarifLog } from './sarif.js';
import { normalise } from '../lint/normalise/index.js';
import { version } from './program.js';
import { expandTargets } from './targets.js';
import { useColor, write, type OutputStream } from './output.js';
import { EXIT, type Io } from './io.js';

export type FailOn = Severity | 'never';
export type OutputFormat = 'text' | 'json';
export type CheckFormat = OutputFormat | 'sarif';

export interface CheckOptions {
  council?: string;
  format: CheckFormat;
  failOn: FailOn;
  /** Whose threshold applies (default `pre-send`: a check before sending). */
  stage?: ConfidenceStage;
  /** Overrides the council's threshold for the stage. */
  minConfidence?: number;
  /** Sender of plain text (an address or Slack id in council.yaml). */
  from?: string;
  /** Recipients of plain text. */
  to?: string[];
}

const RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

function reaches(findings: readonly Finding[], failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return findings.some((f) => RANK[f.severity] >= RANK[failOn]);
}

/** `linter` is for tests; the command loads the council's. `inputs`: files, folders, globs, or '-' for stdin. */
export async function check(inputs: string | readonly string[], options: CheckOptions, io: Io, linter?: Linter): Promise<number> {
  const args = typeof inputs === 'string' ? [inputs] : inputs;
  if (args.filter((a) => a === '-').length > 1) throw new InputError('- (stdin) can be given only once');
  if (args.includes('-') && (io.stdin as { isTTY?: boolean }).isTTY) {
    throw new InputError('reading from stdin, but stdin is a terminal (pipe a message in, or name a file)');
  }
  linter ??= loadCouncilLinter(councilFile(options.council, io.env, io.cwd, io.stderr));
  const stage = options.stage ?? 'pre-send';
  const threshold = options.minConfidence ?? thresholdFor(linter.council, stage);
  // The council as this run applies it: `--min-confidence` in place of the stage's own threshold.
  const thresholds = { ...linter.council, confidence: { ...linter.council.confidence, [stage]: threshold } };
  const people = { ...(options.from !== undefined ? { from: options.from } : {}), to: options.to ?? [] };
  let hidden = 0;
  const color = options.format === 'text' && useColor(io.stdout, io.env);
  const out: OutputStream = io.stdout;
  const counts = emptyCounts();
  let badInput = false;
  let failed = false;
  let read = 0;
  let plainText = false;
  const sarif = options.format === 'sarif' ? new SarifLog(linter.rules(), io.cwd, version()) : undefined;

  for (const target of await expandTargets(args, io.cwd)) {
    if (target.kind === 'problem') {
      badInput = true;
      counts.unreadable++;
      sarif?.problem(target.reason);
      await write(io.stderr, `probity: ${target.reason}\n`);
      continue;
    }
    try {
      for await (const item of readInput(target.path, { stdin: () => io.stdin, name: target.name, plainText: people })) {
        if (item.kind === 'problem') {
          badInput = true;
          counts.unreadable++;
          sarif?.problem(`${item.where}: ${item.reason}`, fileOf(target.path));
          await write(io.stderr, `probity: ${item.where}: ${item.reason}\n`);
          continue;
        }
        if (item.plainText) plainText = true;
        let findings: Finding[];
        try {
          const all = linter.lint(item.message).findings;
          findings = atConfidence(all, thresholds, stage);
          hidden += all.length - findings.length;
        } catch (err) {
          // An engine bug on one message must not stop an audit of thousands: report it and go on.
          badInput = true;
          counts.unreadable++;
          sarif?.problem(`${item.header}: internal error`, fileOf(target.path));
          await write(io.stderr, `probity: ${item.header}: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
          continue;
        }
        countFindings(counts, findings);
        if (reaches(findings, options.failOn)) failed = true;
        if (options.format === 'json') {
          await write(out, formatMessageJson(item.id, findings));
          continue;
        }
        // Where each finding is in the file as given (not in the analysed body).
        const analysed = findings.length > 0 ? normalise(item.message).text : '';
        const regions: Region[] = findings.map((f) => regionInFile(item.source, analysed, f.span));
        if (sarif) findings.forEach((f, i) => sarif.add(f, fileOf(target.path), regions[i]!, item.id));
        else await write(out, formatFindingsText(item.header, findings, { color }, regions));
      }
      read++;
    } catch (err) {
      // A file that is not a message (binary, malformed MIME, invalid UTF-8…): name it and go on to the next input.
      if (!(err instanceof InputError)) throw err;
      badInput = true;
      counts.unreadable++;
      sarif?.problem(err.message, fileOf(target.path));
      await write(io.stderr, `probity: ${err.message}\n`);
    }
  }
  if (sarif) await write(out, JSON.stringify(sarif.toJSON(), null, 2) + '\n');
  const notes = plainText ? peopleNotes(linter, people) : [];
  if (options.format === 'text' && read > 0) {
    await write(out, formatSummaryText(counts, { color }) + hiddenLine(hidden, threshold, { color }) + notes.map((n) => noteLine(n, { color })).join(''));
  } else {
    // JSON output stays one message per line: notes go where errors go. (Nothing read at all: the errors said it.)
    for (const note of notes) await write(io.stderr, `probity: note: ${note}\n`);
  }
  // Bad input wins over findings: the run did not check everything it was given.
  return badInput ? EXIT.usage : failed ? EXIT.findings : EXIT.ok;
}

/** The file a target names, or undefined for stdin. */
function fileOf(path: string): string | undefined {
  return path === '-' ? undefined : path;
}

/** What plain text was checked as: who it is from and to matters to the rules that read roles. */
function peopleNotes(linter: Linter, people: { from?: string; to: readonly string[] }): string[] {
  if (people.from === undefined && people.to.length === 0) {
    return ['plain text was checked without --from or --to, so the rules that depend on who writes to whom (councillor, officer, grade, group) could not tell'];
  }
  const unknown = [people.from, ...people.to].filter((a): a is string => a !== undefined && resolve(linter.council, a) === undefined);
  return unknown.map((address) => `${address} is not in the council's directory, so its role is unknown`);
}
