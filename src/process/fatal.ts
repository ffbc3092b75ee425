/**
 * Imported first by every process entry point: a start-up failure (bad configuration, a missing council file,
 * an unreadable secret) ends as one line naming the process and the problem, exit status 1, never a stack trace.
 * The stack goes to the log only with LOG_LEVEL=debug.
 */
const processName = process.argv[1]?.split('/').pop()?.replace(/\.(js|ts)$/, '') ?? 'probity';

function fatal(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${processName}: ${message.split('\n')[0]}\n`);
  if (process.env.LOG_LEVEL === 'debug' && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exit(1);
}

process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);
