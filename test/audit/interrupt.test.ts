/**
 * Ctrl-C for real: the command as a process, SIGINT as soon as it says it has started, then `--resume` in a new
 * process. The interrupted run exits 130 and leaves a state file; the resumed one completes with the totals of the
 * whole mbox.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/lint/load.js';
import { MARKER, writeMbox } from './fixtures.js';

const COUNT = 1000;
const JUNK_EVERY = 500;
const tmp = mkdtempSync(join(tmpdir(), 'probity-audit-int-'));
beforeAll(() => writeMbox(join(tmp, 'big.mbox'), COUNT, { junkEvery: JUNK_EVERY }));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function audit(args: string[], interrupt: boolean): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(PACKAGE_ROOT, 'src/cli/main.ts'), 'audit', join(tmp, 'big.mbox'), '--json', join(tmp, 'out.json'), ...args],
      {
        // From the package, so that `--import tsx` resolves.
        cwd: PACKAGE_ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, NO_COLOR: '1', PROBITY_AUDIT_KEY: 'k' },
      },
    );
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (interrupt && !sent && stderr.includes('probity audit: started')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('probity audit as a process', () => {
  it('stops on SIGINT with exit 130 and a state file, and --resume completes with the whole totals', async () => {
    const first = await audit([], true);
    expect(first.code, first.stderr).toBe(130);
    expect(first.stderr).toMatch(/stopped after \d+ entries; run the same command with --resume/);
    const state = readFileSync(join(tmp, 'out.json.audit-state.json'), 'utf8');
    expect(state).not.toContain(MARKER);
    const done = (JSON.parse(state) as { done: number }).done;
    expect(done).toBeLessThan(COUNT);

    const second = await audit(['--resume'], false);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`resuming after ${done} entries`);
    const report = JSON.parse(readFileSync(join(tmp, 'out.json'), 'utf8')) as { complete: boolean; totals: { messages: number; unreadable: number } };
    expect(report.complete).toBe(true);
    expect(report.totals).toMatchObject({ messages: COUNT - COUNT / JUNK_EVERY, unreadable: COUNT / JUNK_EVERY });
    expect(existsSync(join(tmp, 'out.json.audit-state.json'))).toBe(false);
  });
});
