/** Run `workers/notices.worker.ts` as a real child process, as production does. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ledgerEnv } from '../helpers/ledger-env.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export class WorkerProcess {
  readonly output: string[] = [];
  private constructor(readonly child: ChildProcess) {}

  static start(env: Record<string, string>): WorkerProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'workers/notices.worker.ts'], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', PROBITY_LINK_KEYS: 'k1:link-key-for-process-tests-0123456789abcdef', ...ledgerEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const w = new WorkerProcess(child);
    child.stdout?.on('data', (c: Buffer) => w.output.push(c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => w.output.push(c.toString('utf8')));
    return w;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Send a signal and wait for the exit; resolves to the exit code (null when killed by the signal). */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.exited) return Promise.resolve(this.child.exitCode);
    return new Promise((resolve) => {
      this.child.once('exit', (code) => resolve(code));
      this.child.kill(signal);
    });
  }
}

/** A council of `n` two-member groups, each leader with an email address, written to a temp file. */
export function bigCouncilFile(n: number): { file: string; leaderEmail: (i: number) => string; yaml: string } {
  const pad = (i: number) => String(i).padStart(2, '0');
  const leaderEmail = (i: number) => `leader.g${pad(i)}@example.gov.uk`;
  const lines = [
    'council: Example Borough Council',
    'protocol: model',
    'domain: example.gov.uk',
    'groups:',
    ...Array.from({ length: n }, (_, i) => `  - { id: g${pad(i + 1)}, name: Group ${pad(i + 1)} }`),
    'people:',
    ...Array.from({ length: n }, (_, i) => [
      `  - { id: cllr-g${pad(i + 1)}-a, name: Cllr Leader ${pad(i + 1)}, email: ${leaderEmail(i + 1)}, role: councillor, group: g${pad(i + 1)}, groupRole: leader }`,
      `  - { id: cllr-g${pad(i + 1)}-b, name: Cllr Member ${pad(i + 1)}, role: councillor, group: g${pad(i + 1)} }`,
    ]).flat(),
    '  - { id: o-ce, name: Chief Exec, email: ce@example.gov.uk, role: officer, grade: chief }',
    '  - { id: o-dir, name: A Director, email: dir@example.gov.uk, role: officer, grade: chief }',
    'designated: { briefingRecipient: o-ce, authoriser: o-dir, chiefExecutive: o-ce }',
  ];
  const yaml = `${lines.join('\n')}\n`;
  const file = join(mkdtempSync(join(tmpdir(), 'probity-council-')), 'council.yaml');
  writeFileSync(file, yaml);
  return { file, leaderEmail, yaml };
}
