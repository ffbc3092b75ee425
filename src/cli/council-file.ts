/** Which council.yaml a command uses, and loading it with one-line errors. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

/** Load the linter for a council file; a missing file is an InputError (CouncilConfigError passes through). */
export function loadCouncilLinter(file: string): Linter {
  try {
    return loadLinter({ councilFile: file });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT' && (err as NodeJS.ErrnoException).path === file) throw new InputError(`council file not found: ${file}`);
    if (code === 'EISDIR') throw new InputError(`council file is a directory: ${file}`);
    if (code === 'EACCES' && (err as NodeJS.ErrnoException).path === file) throw new InputError(`council file not readable: ${file}`);
    throw err;
  }
}
