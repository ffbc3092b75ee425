/** Entry point of the `probity` command (bin/probity.js imports the built copy of this file). */
import { internalError, run } from './program.js';

function die(err: unknown): never {
  process.stderr.write(internalError(err));
  process.exit(2);
}
process.on('uncaughtException', die);
process.on('unhandledRejection', die);
// `probity check … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  die(err);
});

process.exitCode = await run(process.argv.slice(2), {
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
