/** Which council.yaml a command uses, and loading it with one-line errors. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BriefingSettingsError, briefingSettings } from '../briefings/settings.js';
import { CouncilConfigError, locatorFor, type Council } from '../directory/council.js';
import { EXAMPLE_COUNCIL, loadLinter } from '../lint/load.js';
import type { Linter } from '../lint/engine.js';
import { InputError } from '../mail/errors.js';

/** `--council`, else $PROBITY_COUNCIL, else ./council.yaml when it exists, else the bundled example council. */
export function councilFile(option: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  if (option) return option;
  if (env.PROBITY_COUNCIL) return env.PROBITY_COUNCIL;
  const local = join(cwd, 'council.yaml');
  return existsSync(local) ? local : EXAMPLE_COUNCIL;
}

/**
 * Load the linter for a council file; a missing file is an InputError (CouncilConfigError passes through). The
 * whole file is validated, `briefings:` included, so that a file `probity check` accepts is one the API accepts.
 */
export function loadCouncilLinter(file: string): Linter {
  let linter: Linter;
  try {
    linter = loadLinter({ councilFile: file });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT' && (err as NodeJS.ErrnoException).path === file) throw new InputError(`council file not found: ${file}`);
    if (code === 'EISDIR') throw new InputError(`council file is a directory: ${file}`);
    if (code === 'EACCES' && (err as NodeJS.ErrnoException).path === file) throw new InputError(`council file not readable: ${file}`);
    throw err;
  }
  checkBriefings(linter.council, file);
  return linter;
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
