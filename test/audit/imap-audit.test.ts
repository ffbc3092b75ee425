/**
 * `probity audit --imap` against a real Dovecot (test/imap/dovecot.ts): a "Sent Items" folder filled by APPEND,
 * configured from the environment as the drafts watcher is; counts as linting each message alone; an interrupted
 * audit resumes by UID to the same totals.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymKey } from '../../src/audit/pseudonym.js';
import { runAudit, type ProgressSink } from '../../src/audit/run.js';
import { imapSource, mailboxFor } from '../../src/audit/sources/imap.js';
import { EXAMPLE_COUNCIL, loadLinter } from '../../src/lint/load.js';
import { parseEml } from '../../src/mail/eml.js';
import { DOVECOT_BIN, Dovecot, mailboxEnv, withImap } from '../imap/dovecot.js';
import { MARKER, examples, exampleCouncil, toEml, variant } from './fixtures.js';
import { runCli } from './helpers.js';

const COUNT = 18;
const FOLDER = 'Sent Items';
const tmp = mkdtempSync(join(tmpdir(), 'probity-audit-imap-'));
let dovecot: Dovecot;
let env: NodeJS.ProcessEnv;
const emls: string[] = [];

describe.skipIf(!DOVECOT_BIN)('probity audit --imap (real Dovecot)', () => {
  beforeAll(async () => {
    dovecot = new Dovecot();
    await dovecot.start();
    const user = `auditor-${process.pid}`;
    env = {
      PROBITY_IMAP_MAILBOXES: 'clerk',
      ...mailboxEnv(dovecot, user),
    };
    await withImap(dovecot, user, async (client) => {
      await client.mailboxCreate(FOLDER);
      const list = examples();
      for (let i = 0; i < COUNT; i++) {
        emls.push(toEml(variant(list, i), exampleCouncil()));
        await client.append(FOLDER, emls[i]!, ['\\Seen']);
      }
      await client.append(FOLDER, 'this is not a message at all\r\n', ['\\Seen']);
    });
  });

  afterAll(async () => {
    await dovecot?.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('audits the folder with the same counts as linting each message alone', async () => {
    const linter = loadLinter();
    const expected: Record<string, number> = {};
    for (const eml of emls) for (const f of linter.lint(await parseEml(eml)).findings) expected[f.rule] = (expected[f.rule] ?? 0) + 1;
    const r = await runCli(['audit', '--imap', 'clerk', '--folder', FOLDER, '--json', 'imap.json', '--no-progress'], tmp, env);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(tmp, 'imap.json'), 'utf8');
    expect(text).not.toContain(MARKER);
    const report = JSON.parse(text) as { input: { label: string }; totals: { messages: number; unreadable: number }; byRule: Record<string, number> };
    expect(report.input.label).toBe(`clerk:${FOLDER}`);
    expect(report.totals).toMatchObject({ messages: COUNT, unreadable: 1 });
    expect(report.byRule).toEqual(Object.fromEntries(Object.entries(expected).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))));
  });

  it('resumes by UID after an interruption to the same totals', async () => {
    const linter = loadLinter();
    const config = mailboxFor('clerk', env);
    const base = { linter, councilFile: EXAMPLE_COUNCIL, names: false, excerpts: false, key: pseudonymKey('k', {}) };
    const whole = await runAudit({ ...base, source: await imapSource(config, FOLDER), statePath: join(tmp, 'whole.json'), resume: false });
    const controller = new AbortController();
    const progress: ProgressSink = { start: () => {}, update: (_at, done) => done === 5 && controller.abort(), stop: () => {} };
    const statePath = join(tmp, 'imap-state.json');
    const first = await runAudit({ ...base, source: await imapSource(config, FOLDER), statePath, resume: false, signal: controller.signal, progress });
    expect(first.complete).toBe(false);
    const second = await runAudit({ ...base, source: await imapSource(config, FOLDER), statePath, resume: true });
    expect(second.complete).toBe(true);
    expect(second.tally).toEqual(whole.tally);
  });

  it('names an unknown mailbox in one line', async () => {
    const r = await runCli(['audit', '--imap', 'nobody', '--folder', FOLDER], tmp, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('probity: --imap nobody: no such mailbox in PROBITY_IMAP_MAILBOXES\n');
  });
});
