/**
 * `probity council validate`: the whole council.yaml checked as every process checks it (the directory, the
 * rules' settings, the protocol pack, `briefings:` and `enquiries:`), each problem on its own line with its line
 * in the file, as a linter lists its findings.
 */
import { councilFile, loadCouncilLinter } from './council-file.js';
import { EXIT, type Io } from './io.js';
import { write } from './output.js';

export interface CouncilValidateOptions {
  council?: string;
}

export async function validateCouncil(options: CouncilValidateOptions, io: Io): Promise<number> {
  const file = councilFile(options.council, io.env, io.cwd, io.stderr);
  try {
    const { council } = loadCouncilLinter(file);
    const sections = (['briefings', 'enquiries'] as const).filter((s) => council[s] !== undefined);
    const people = council.people.length;
    await write(
      io.stdout,
      `${file}: valid: ${council.council}, protocol ${council.protocol}, ${people} ${people === 1 ? 'person' : 'people'}, ` +
        `${council.groups.length} group${council.groups.length === 1 ? '' : 's'}` +
        `${sections.length ? `; ${sections.join(' and ')} checked` : ''}\n`,
    );
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof Error && err.name === 'CouncilConfigError')) throw err;
    const { problems } = err as Error & { problems: string[] };
    for (const problem of problems) await write(io.stderr, `probity: ${file}: ${problem}\n`);
    await write(io.stderr, `probity: ${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
    return EXIT.findings;
  }
}
