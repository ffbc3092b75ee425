/**
 * council.yaml for the services: read, validated whole (the `briefings:` and `enquiries:` sections too, with
 * their lines, as `probity check` validates them), at start and again on SIGHUP.
 */
import { readFileSync } from 'node:fs';
import { BriefingSettingsError, briefingSettings } from '../briefings/settings.js';
import { EnquirySettingsError, enquirySettings } from '../enquiries/settings.js';
import { loadResponseTimes } from '../enquiries/load.js';
import { CouncilConfigError, locatorFor, parseCouncil, type Council } from '../directory/council.js';
import type { Linter, RuleInfo } from '../lint/engine.js';
import type { LintResult, Message } from '../lint/types.js';

/** Read and validate a council file; every problem is a line of the CouncilConfigError. */
export function loadCouncil(file: string): Council {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'not readable' : (code ?? 'unreadable');
    throw new CouncilConfigError(file, [`cannot read the council file (${why}); PROBITY_COUNCIL names it`]);
  }
  const council = parseCouncil(text, file);
  checkSections(council, file, text);
  return council;
}

/**
 * The `briefings:` and `enquiries:` sections, validated as the briefing and enquiry services validate them when
 * they start, each problem on its line. A council without a section does not run that service from this file, so
 * it is not asked for the people the service needs. `text` is the file's text when the caller has it.
 */
export function checkSections(council: Council, file: string, text?: string): void {
  const problems: string[] = [];
  if (council.briefings !== undefined) {
    try {
      briefingSettings(council);
    } catch (err) {
      if (!(err instanceof BriefingSettingsError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (council.enquiries !== undefined) {
    try {
      enquirySettings(council, loadResponseTimes());
    } catch (err) {
      if (!(err instanceof EnquirySettingsError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length === 0) return;
  const locate = locatorFor(text ?? readFileSync(file, 'utf8'));
  throw new CouncilConfigError(
    file,
    problems.map((problem) => {
      // Each problem starts with the field it is about: "briefings.reminderWorkingDays: …".
      const field = /^[\w.-]+/.exec(problem)?.[0] ?? '';
      const line = field ? locate(field.split('.')) : undefined;
      return `${line ? `line ${line}: ` : ''}${problem}`;
    }),
  );
}

/**
 * A Linter whose council is swapped on SIGHUP while every holder (the check route, the lint worker's processors)
 * keeps the same object, so one process never answers from two versions of council.yaml.
 */
export class ReloadableLinter implements Linter {
  constructor(private current: Linter) {}
  get council(): Council {
    return this.current.council;
  }
  lint(message: Message): LintResult {
    return this.current.lint(message);
  }
  rules(): RuleInfo[] {
    return this.current.rules();
  }
  replace(linter: Linter): void {
    this.current = linter;
  }
}
