/**
 * `probity audit`: check a whole mailbox export, Slack export or IMAP folder with the same engine and directory
 * as `probity check`, and report counts (terminal, --json, --html) without copying anyone's messages out.
 * Ctrl-C stops between two messages and leaves a state file; `--resume` continues from it.
 */
import { writeFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { enquiryFigures } from '../audit/enquiries.js';
import { renderHtml } from '../audit/html.js';
import { progressSink } from '../audit/progress.js';
import { pseudonymKey } from '../audit/pseudonym.js';
import { buildReport } from '../audit/report.js';
import { runAudit } from '../audit/run.js';
import { formatAuditText } from '../audit/text.js';
import type { AuditSource } from '../audit/types.js';
import { InputError } from '../mail/errors.js';
import { councilFile, loadCouncilLinter } from './council-file.js';
import { EXIT, type Io } from './io.js';
import { useColor, write } from './output.js';

export interface AuditOptions {
  council?: string;
  kind?: 'mbox' | 'maildir' | 'eml' | 'slack';
  imap?: string;
  folder: string;
  json?: string;
  html?: string;
  state?: string;
  resume?: boolean;
  names?: boolean;
  excerpts?: boolean;
  pseudonymKey?: string;
  progress?: boolean;
  jobs?: string;
  /** Overrides council.yaml's `confidence.audit`. */
  minConfidence?: number;
  /** Add the member enquiries' response-time figures (from the enquiry store in Redis). */
  enquiries?: boolean;
  enquiryMonths?: string;
}

/** More threads than this is never faster: reading and counting in the main thread becomes the limit. */
const MAX_JOBS = 32;

/** What the shell reports for a run stopped by Ctrl-C (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

export interface AuditHooks {
  /** Stops the audit between two messages; by default Ctrl-C and SIGTERM. */
  signal?: AbortSignal;
  clock?: () => number;
}

export function defaultStatePath(options: Pick<AuditOptions, 'json' | 'html' | 'state'>, cwd: string): string {
  if (options.state) return resolvePath(cwd, options.state);
  const next = options.json ?? options.html;
  return next ? `${resolvePath(cwd, next)}.audit-state.json` : resolvePath(cwd, 'probity-audit.state.json');
}

function stopOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = () => {
    // A second Ctrl-C means now: the state file from the last checkpoint is still consistent.
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

export async function audit(input: string | undefined, options: AuditOptions, io: Io, hooks: AuditHooks = {}): Promise<number> {
  if (!input && !options.imap) throw new InputError('audit: name an mbox, Maildir, folder of .eml or Slack export, or give --imap <mailbox>');
  if (input && options.imap) throw new InputError('audit: give either a file or folder, or --imap, not both');
  const jobs = options.jobs === undefined ? 1 : Number(options.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > MAX_JOBS) throw new InputError(`--jobs must be a whole number from 1 to ${MAX_JOBS}`);
  const file = councilFile(options.council ? resolvePath(io.cwd, options.council) : undefined, io.env, io.cwd, io.stderr);
  const linter = loadCouncilLinter(file);
  const clock = hooks.clock ?? Date.now;
  // The enquiries' figures first: a store that cannot be reached is said at once, not after a long audit.
  const enquiries = options.enquiries
    ? await enquiryFigures(linter.council, io.env, new Date(clock()), options.enquiryMonths === undefined ? 12 : Number(options.enquiryMonths))
    : undefined;

  let source: AuditSource;
  if (options.imap) {
    const { imapSource, mailboxFor } = await import('../audit/sources/imap.js');
    source = await imapSource(mailboxFor(options.imap, io.env), options.folder);
  } else {
    const { openPath } = await import('../audit/sources/index.js');
    source = await openPath(resolvePath(io.cwd, input!), options.kind, linter.council);
  }

  const signals = hooks.signal ? undefined : stopOnSignals();
  let result;
  try {
    result = await runAudit({
      source,
      linter,
      councilFile: resolvePath(io.cwd, file),
      statePath: defaultStatePath(options, io.cwd),
      resume: options.resume === true,
      names: options.names === true,
      excerpts: options.excerpts === true,
      key: pseudonymKey(options.pseudonymKey, io.env),
      signal: (hooks.signal ?? signals?.signal)!,
      ...(options.progress === false ? {} : { progress: progressSink(io.stderr, clock) }),
      note: (line) => void io.stderr.write(`probity audit: ${line}\n`),
      clock,
      jobs,
      ...(options.minConfidence === undefined ? {} : { minConfidence: options.minConfidence }),
    });
  } finally {
    signals?.dispose();
  }

  const report = buildReport(result, {
    council: { name: linter.council.council, protocol: linter.council.protocol },
    source,
    names: options.names === true,
    now: new Date(clock()),
  });
  if (enquiries) report.enquiries = enquiries;
  if (options.json) writeFileSync(resolvePath(io.cwd, options.json), `${JSON.stringify(report, null, 2)}\n`);
  if (options.html) writeFileSync(resolvePath(io.cwd, options.html), renderHtml(report));
  await write(io.stdout, formatAuditText(report, { color: useColor(io.stdout, io.env) }));
  if (!result.complete) {
    await write(io.stderr, `probity audit: stopped after ${result.done} entries; run the same command with --resume to continue\n`);
    return EXIT_INTERRUPTED;
  }
  return EXIT.ok;
}
