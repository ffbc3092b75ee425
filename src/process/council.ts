/**
 * council.yaml for the services: read, validated whole (the `briefings:` section too, with its lines, as
 * `probity check` validates it), at start and again on SIGHUP.
 */
import { readFileSync } from 'node:fs';
import { BriefingSettingsError, briefingSettings } from '../briefings/settings.js';
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
  checkBriefings(council, file);
  return council;
}

/**
 * The `briefings:` section, validated as the briefing service validates it when the API starts. A council without
 * the section does not run briefings from this file, so it is not asked for the people briefings need.
 */
export function checkBriefings(council: Council, file: string): void {
  if (council.briefings === undefined) return;
  try {
    briefingSettings(council);
  } catch (err) {
    if (!(err instanceof BriefingSettingsError)) throw err;
    const locate = locatorFor(readFileSync(file, 'utf8'));
    throw new CouncilConfigError(
      file,
      err.problems.map((problem) => {
        // Each problem starts with the field it is about: "briefings.reminderWorkingDays: …".
        const field = /^[\w.-]+/.exec(problem)?.[0] ?? '';
        const line = field ? locate(field.split('.')) : undefined;
        return `${line ? `line ${line}: ` : ''}${problem}`;
      }),
    );
  }
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
