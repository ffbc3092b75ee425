/** A fake process for running `probity audit` in-process, and the linter loaded once for the whole file. */
import { PassThrough } from 'node:stream';
import type { Io } from '../../src/cli/io.js';
import { run } from '../../src/cli/program.js';
import { EXAMPLE_COUNCIL } from '../../src/lint/load.js';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdin: new PassThrough(),
    stdout: { write: (t: string) => ((stdout += t), true), once: () => undefined },
    stderr: { write: (t: string) => ((stderr += t), true), once: () => undefined },
    // The example council, named: without one, the command says it falls back to it.
    env: { NO_COLOR: '1', PROBITY_COUNCIL: EXAMPLE_COUNCIL, ...env },
    cwd,
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}
