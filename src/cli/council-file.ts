/** Which council.yaml a command uses, and loading it with one-line errors. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_COUNCIL, loadLinter } from '../lint/load.js';
import type { Linter } from '../lint/engine.js';
import { InputError } from '../mail/errors.js';
import { checkSections } from '../process/council.js';

/**
 * `--council`, else $PROBITY_COUNCIL, else ./council.yaml when it exists, else the bundled example council, and
 * then a line on `notice` says so: findings against a fictional council's people are not the user's.
 */
export function councilFile(option: string | undefined, env: NodeJS.ProcessEnv, cwd: string, notice?: { write(text: string): unknown }): string {
  if (option) return option;
  if (env.PROBITY_COUNCIL) return env.PROBITY_COUNCIL;
  const local = join(cwd, 'council.yaml');
  if (existsSync(local)) return local;
  notice?.write(`probity: no council file (--council, PROBITY_COUNCIL or ./council.yaml): using the fictional example council, ${EXAMPLE_COUNCIL}\n`);
  return EXAMPLE_COUNCIL;
}

/**
 * Load the linter for a council file; a missing file is an InputError (CouncilConfigError passes through). The
 * whole file is validated, `briefings:` and `enquiries:` included, so that a file `probity check` accepts is one the API accepts.
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
  checkSections(linter.council, file);
  return linter;
}
