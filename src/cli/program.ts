/**
 * The `probity` command line: `check` and `rules`. Every failure ends as one line on stderr and exit status 2;
 * a stack trace is never shown.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseConfidence, STAGES } from '../channels/confidence.js';
import { InputError } from '../mail/errors.js';
import type { AuditOptions } from './audit.js';
import type { CheckOptions, FailOn } from './check.js';
import type { CouncilValidateOptions } from './council.js';
import { EXIT, type Io } from './io.js';
import type { RulesOptions } from './rules.js';
import type { RevokeOptions, TokenOptions } from './token.js';

// The engine, its lexicons and mailparser take a while to load: commands import them when they run, so
// `--help`, `--version` and usage errors answer at once.

const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'info', 'never'];

/** `--min-confidence 0.8`: a number from 0 to 1, or a one-line usage error. */
function confidenceArgument(value: string): number {
  const n = parseConfidence(value);
  if (n === undefined) throw new InvalidArgumentError('give a number from 0 to 1, such as 0.8');
  return n;
}

export function version(): string {
  try {
    const pkg = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(pkg) as { version?: string }).version ?? '0.0.0';
  } catch {
    try {
      // Built: dist/src/cli/ is one level deeper.
      return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
    } catch {
      return '0.0.0';
    }
  }
}

/** Errors whose message is written for the user (checked by name so this file need not load their modules). */
const USER_ERRORS = new Set(['InputError', 'CouncilConfigError', 'ProtocolPackError']);
const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'no such file (a part of the path is not a directory)',
};

/** The one line printed for a failure, or undefined for an error we did not expect. */
export function describeError(err: unknown): string | undefined {
  if (err instanceof InputError || (err instanceof Error && USER_ERRORS.has(err.name))) return err.message;
  const { code, path } = (err ?? {}) as NodeJS.ErrnoException;
  if (code && path && FILE_ERRORS[code]) return `${path}: ${FILE_ERRORS[code]}`;
  return undefined;
}

export function internalError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return `probity: internal error: ${message.split('\n')[0]}\n`;
}

export async function run(argv: readonly string[], io: Io): Promise<number> {
  let status: number = EXIT.ok;
  const program = new Command('probity')
    .description("Check councillor/officer messages against the council's member/officer protocol.")
    .version(version(), '-V, --version')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      outputError: (text, writeErr) => writeErr(`probity: ${text.replace(/^error: /, '')}`),
    });

  const councilOption = () => new Option('--council <file>', 'council.yaml (default: $PROBITY_COUNCIL, ./council.yaml, or the bundled example)');
  const formatOption = (formats = ['text', 'json']) => new Option('--format <format>', 'output format').choices(formats).default('text');

  program
    .command('check')
    .description('check messages: .eml, .json, .jsonl and .txt (plain text) files, folders of them, globs, or - for stdin')
    .argument('<file...>', 'message files, folders (searched recursively) or glob patterns such as "mail/**/*.eml"; - reads stdin')
    .addOption(councilOption())
    .option('--from <address>', "plain text: the sender's email address or Slack id (from council.yaml), so that rules can tell roles")
    .option('--to <address>', 'plain text: a recipient (repeat for more)', (value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    .addOption(formatOption(['text', 'json', 'sarif']))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding reaches this severity').choices(FAIL_ON).default('error'))
    .addOption(new Option('--stage <stage>', 'whose confidence threshold from council.yaml applies').choices(STAGES).default('pre-send'))
    .addOption(new Option('--min-confidence <0-1>', "show findings at least this sure (overrides the council's threshold)").argParser(confidenceArgument))
    .action(async (files: string[], options: CheckOptions) => {
      const { check } = await import('./check.js');
      status = await check(files, options, io);
    });

  program
    .command('rules')
    .description('list the rules with their severity and the clauses they cite for the council')
    .addOption(councilOption())
    .addOption(formatOption())
    .action(async (options: RulesOptions) => {
      const { rules } = await import('./rules.js');
      status = await rules(options, io);
    });

  program
    .command('council')
    .description('council.yaml')
    .command('validate')
    .description('validate council.yaml as every process does (briefings: and enquiries: too): each problem with its line; exit 1 when there are any')
    .addOption(councilOption())
    .action(async (options: CouncilValidateOptions) => {
      const { validateCouncil } = await import('./council.js');
      status = await validateCouncil(options, io);
    });

  const tokens = program.command('token').description('bearer tokens for machines and scripts (keys from $PROBITY_TOKEN_KEYS or $PROBITY_TOKEN_SECRET)');
  tokens
    .command('issue', { isDefault: true })
    .description('issue a token for someone council.yaml gives the role (a checker token may be for a service)')
    .requiredOption('--role <role>', 'ce-office, authoriser, monitoring-officer, group-leader, officer or checker')
    .requiredOption('--sub <who>', 'a person id from council.yaml, or a service name (nightly-audit) for a checker token')
    .option('--group <id>', 'for a group-leader token: the party they speak for (worked out from council.yaml when not given)')
    .option('--audience <list>', 'briefings and/or check, comma-separated (default: check for a checker token, both otherwise)')
    .option('--days <n>', 'days until it expires (at most 366)', '30')
    .option('--council <file>', 'council.yaml (default: $PROBITY_COUNCIL, then ./council.yaml)')
    .action(async (options: TokenOptions) => {
      const { token } = await import('./token.js');
      status = await token(options, io, Date.now());
    });
  tokens
    .command('revoke')
    .description('put a token on the revocation list in Redis ($REDIS_URL); the API refuses it from then on')
    .argument('<token-or-id>', 'the token, or its id as `probity token` printed it')
    .option('--days <n>', 'with only the id: how long to keep the revocation (default 366)')
    .action(async (tokenOrId: string, options: RevokeOptions) => {
      const { revoke } = await import('./token.js');
      status = await revoke(tokenOrId, options, io, Date.now());
    });

  program
    .command('audit')
    .description('audit a mailbox export (mbox, Maildir, folder of .eml), a Slack export (folder or .zip) or an IMAP folder')
    .argument('[input]', 'the mbox file, Maildir, folder of .eml or Slack export')
    .addOption(councilOption())
    .addOption(new Option('--kind <kind>', 'what the input is (default: worked out)').choices(['mbox', 'maildir', 'eml', 'slack']))
    .option('--imap <mailbox>', 'audit a live IMAP folder of a mailbox configured in PROBITY_IMAP_MAILBOXES')
    .option('--folder <name>', 'the IMAP folder, with --imap', 'INBOX')
    .option('--json <file>', 'write the report as JSON')
    .option('--html <file>', 'write a self-contained HTML report with charts')
    .option('--state <file>', 'where to keep the resume state (default: next to the report)')
    .option('--resume', 'continue an audit that was stopped')
    .option('--names', 'show people by name (default: keyed pseudonyms)')
    .option('--excerpts', 'include subjects and excerpts of the messages with findings')
    .option('--pseudonym-key <key>', 'key for the pseudonyms (default: $PROBITY_AUDIT_KEY, else random per run)')
    .option('--no-progress', 'no progress bar or progress lines')
    .option('--jobs <n>', 'worker threads that parse and lint (default 1)')
    .addOption(
      new Option('--min-confidence <0-1>', "count only findings at least this sure (default: the council's audit threshold, 0)").argParser(confidenceArgument),
    )
    .option(
      '--enquiries',
      "add the member enquiries' response times (medians to acknowledge and answer per service and month, on time, overdue) from the enquiry store (REDIS_URL)",
    )
    .option('--enquiry-months <n>', 'with --enquiries, how many months back (default 12)')
    .action(async (input: string | undefined, options: AuditOptions) => {
      const { audit } = await import('./audit.js');
      status = await audit(input, options, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return status;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here too; usage errors were already printed by outputError.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const line = describeError(err);
    io.stderr.write(line !== undefined ? `probity: ${line}\n` : internalError(err));
    return EXIT.usage;
  }
}
