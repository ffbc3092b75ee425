/**
 * How fast `probity audit` reads an mbox, and in how much memory: generates an mbox of N messages (the example
 * messages over and over, moved a week back each round) in a temp dir, runs the audit as a child process and
 * prints messages/s and peak RSS (the child's VmHWM, as GNU time reports it). Run it at two sizes to see that
 * peak memory does not grow with the file.
 *
 * `--attachment-kb K` gives every message a base64 attachment of K KB, for a file of realistic bytes per message
 * (attachments are parsed but not linted).
 *
 *   npx tsx scripts/audit-bench.ts [--messages 50000] [--attachment-kb 0] [--jobs 1] [--keep]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PACKAGE_ROOT } from '../src/lint/load.js';
import { writeMbox } from '../test/audit/fixtures.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '50000' },
    'attachment-kb': { type: 'string', default: '0' },
    jobs: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
  },
});
const count = Number(values.messages);
if (!Number.isInteger(count) || count < 1) throw new Error('--messages must be a whole number');
const attachmentKb = Number(values['attachment-kb']);
const jobs = Number(values.jobs);

const GNU_TIME = '/usr/bin/time';
const tmp = mkdtempSync(join(tmpdir(), 'probity-audit-bench-'));
const mbox = join(tmp, 'bench.mbox');
const report = join(tmp, 'report.json');

try {
  const t0 = Date.now();
  await writeMbox(mbox, count, { junkEvery: 1000, attachmentKb });
  const bytes = statSync(mbox).size;
  console.log(`generated ${count} messages, ${(bytes / 1024 / 1024).toFixed(1)} MB, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const args = ['--import', 'tsx', join(PACKAGE_ROOT, 'src/cli/main.ts'), 'audit', mbox, '--json', report, '--pseudonym-key', 'bench', '--jobs', String(jobs)];
  const useTime = existsSync(GNU_TIME);
  const [cmd, argv] = useTime ? [GNU_TIME, ['-v', process.execPath, ...args]] : [process.execPath, args];
  const started = Date.now();
  let peakKb = 0;
  let timeOutput = '';
  const child = spawn(cmd, argv, { cwd: PACKAGE_ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  child.stderr.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    timeOutput += text;
    for (const line of text.split('\n')) if (line.startsWith('probity audit:')) process.stderr.write(`  ${line}\n`);
  });
  // Without GNU time, sample the child's own high-water mark until it exits.
  const poll = useTime
    ? undefined
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) peakKb = Math.max(peakKb, Number(m[1]));
        } catch {
          // exited
        }
      }, 100);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (poll) clearInterval(poll);
  const seconds = (Date.now() - started) / 1000;
  if (code !== 0) throw new Error(`audit exited ${code}: ${timeOutput.slice(-500)}`);
  if (useTime) peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(timeOutput)?.[1] ?? 0);
  const totals = (JSON.parse(readFileSync(report, 'utf8')) as { totals: { messages: number; unreadable: number; findings: number } }).totals;
  console.log(
    `audited ${totals.messages} messages (+${totals.unreadable} unreadable, ${totals.findings} findings) from a ${(bytes / 1024 / 1024).toFixed(1)} MB mbox in ${seconds.toFixed(1)} s: ` +
      `${Math.round((totals.messages + totals.unreadable) / seconds)} messages/s, ${(bytes / 1024 / 1024 / seconds).toFixed(2)} MB/s, peak RSS ${(peakKb / 1024).toFixed(0)} MB`,
  );
  console.log(
    `(wall time includes loading the engine; node ${process.version}, one process, ${jobs} job${jobs === 1 ? '' : 's'}, ${availableParallelism()} cores)`,
  );
  console.log(
    `reproduce: npx tsx scripts/audit-bench.ts --messages ${count}${attachmentKb ? ` --attachment-kb ${attachmentKb}` : ''}${jobs > 1 ? ` --jobs ${jobs}` : ''}`,
  );
} finally {
  if (values.keep) console.log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
