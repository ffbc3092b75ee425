/**
 * `npm test` after the typecheck: the whole suite, with what the integration tests run against for real.
 *
 * - Redis: the one on 127.0.0.1:6379 (PROBITY_TEST_REDIS_URL), else one started here from Debian's
 *   redis-server for the run (no persistence), else the suites that need Redis are left out.
 * - Dovecot and Chromium: the suites that need them skip themselves without them.
 *
 * Whatever is left out or skipped is said in one line each, with how to get it. Arguments go to vitest
 * (`npm test -- test/cli.test.ts`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PACKAGE_ROOT } from '../src/lint/load.js';

const REDIS = new URL(process.env.PROBITY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
const DOVECOT = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => existsSync(p));
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const NODE_LINE = 22;

function testFiles(dir = 'test'): string[] {
  return readdirSync(join(PACKAGE_ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(PACKAGE_ROOT, path)).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Suites whose source (or a helper it imports from test/) reaches for the thing. */
function needing(pattern: RegExp): string[] {
  const helpers = new Map<string, boolean>();
  const uses = (file: string, seen = new Set<string>()): boolean => {
    if (seen.has(file)) return false;
    seen.add(file);
    if (helpers.has(file)) return helpers.get(file)!;
    let text: string;
    try {
      text = readFileSync(join(PACKAGE_ROOT, file), 'utf8');
    } catch {
      return false;
    }
    const found =
      pattern.test(text) ||
      // Helpers in test/ it imports (not the code under test).
      [...text.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)].some((m) => !m[1]!.includes('src/') && uses(join(dirname(file), `${m[1]}.ts`), seen));
    helpers.set(file, found);
    return found;
  };
  return testFiles().filter((f) => uses(f));
}

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const notes: string[] = [];
const exclude: string[] = [];
let redis: ChildProcess | undefined;

const nodeMajor = Number(process.versions.node.split('.')[0]);
if (nodeMajor !== NODE_LINE) notes.push(`node ${process.versions.node}: Probity supports Node ${NODE_LINE} (engines, CI, the image); the results may differ`);

const host = REDIS.hostname || '127.0.0.1';
const port = Number(REDIS.port || 6379);
if (!(await listening(host, port))) {
  if (has('redis-server') && (host === '127.0.0.1' || host === 'localhost')) {
    const dir = mkdtempSync(join(tmpdir(), 'probity-test-redis-'));
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    for (let i = 0; i < 50 && !(await listening(host, port)); i++) await new Promise((r) => setTimeout(r, 100));
    notes.push(`redis: none was listening on ${host}:${port}, so this run started redis-server there (stopped at the end)`);
  } else {
    const suites = needing(/ioredis|bullmq|redis-helpers|REDIS_URL|sharedRedis|producerConnection|workerConnection|['"`]workers\/[\w.-]+\.ts/);
    exclude.push(...suites);
    notes.push(`skipped ${suites.length} suites that need Redis (none on ${host}:${port}): apt-get install redis-server, or start one there`);
  }
}
if (!DOVECOT) notes.push(`skipped ${needing(/DOVECOT_BIN/).length} suites' IMAP tests (no Dovecot): apt-get install dovecot-imapd`);
if (!CHROMIUM) notes.push(`skipped ${needing(/chromium/i).length} suites' browser tests (no Chromium): apt-get install chromium`);

const say = (lines: string[]) => lines.forEach((line) => process.stdout.write(`npm test: ${line}\n`));
say(notes);
const vitest = spawn(
  process.execPath,
  [join(PACKAGE_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', ...exclude.flatMap((f) => ['--exclude', f]), ...process.argv.slice(2)],
  {
    cwd: PACKAGE_ROOT,
    stdio: 'inherit',
  },
);
const code = await new Promise<number>((resolve) => vitest.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
redis?.kill('SIGTERM');
// Said again at the end, where the eye lands after the run.
say(notes);
process.exit(code);
