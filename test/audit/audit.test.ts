/**
 * `probity audit` over real inputs made in a temp dir from examples/messages.jsonl: an mbox (with malformed
 * entries), a Maildir, a folder of .eml, a Slack export as a folder and as a zip (with a day that is not JSON).
 * Parsing is the real thing throughout (mailparser, yauzl); the expected counts come from linting each generated
 * message on its own.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymKey } from '../../src/audit/pseudonym.js';
import { runAudit, type ProgressSink } from '../../src/audit/run.js';
import { mboxEntries, mboxSource } from '../../src/audit/sources/mbox.js';
import { slackExportSource } from '../../src/audit/sources/slack-export.js';
import { monthOf } from '../../src/audit/tally.js';
import { openPath } from '../../src/audit/sources/index.js';
import type { AuditSource } from '../../src/audit/types.js';
import { loadLinter, EXAMPLE_COUNCIL } from '../../src/lint/load.js';
import type { Linter } from '../../src/lint/engine.js';
import { parseEml } from '../../src/mail/eml.js';
import { fromSlackMarkup } from '../../src/slack/message-text.js';
import {
  examples,
  exampleCouncil,
  MARKER,
  slackExportFiles,
  toEml,
  variant,
  writeEmlFolder,
  writeMaildir,
  writeMbox,
  writeSlackFolder,
  writeSlackZip,
} from './fixtures.js';
import { runCli } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'probity-audit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const MBOX_COUNT = 60;
const JUNK_EVERY = 20;
const FOLDER_COUNT = 24;
let linter: Linter;

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

/** Findings by rule for the first `n` generated messages, each linted on its own (skipping junk slots). */
async function expectedEmailByRule(n: number, junkEvery?: number): Promise<Record<string, number>> {
  const council = exampleCouncil();
  const list = examples();
  const byRule: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    if (junkEvery && i % junkEvery === junkEvery - 1) continue;
    const message = await parseEml(toEml(variant(list, i), council));
    for (const f of linter.lint(message).findings) count(byRule, f.rule);
  }
  return byRule;
}

function sorted(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort((a, b) => a[0].localeCompare(b[0])));
}

const KEY = pseudonymKey('test-key', {});

async function audit(source: AuditSource, extra: { statePath?: string; resume?: boolean; signal?: AbortSignal; progress?: ProgressSink } = {}) {
  return runAudit({
    source,
    linter,
    councilFile: EXAMPLE_COUNCIL,
    statePath: extra.statePath ?? join(tmp, `state-${Math.random().toString(36).slice(2)}.json`),
    resume: extra.resume ?? false,
    names: false,
    excerpts: false,
    key: KEY,
    ...(extra.signal ? { signal: extra.signal } : {}),
    ...(extra.progress ? { progress: extra.progress } : {}),
  });
}

beforeAll(async () => {
  linter = loadLinter();
  await writeMbox(join(tmp, 'sent.mbox'), MBOX_COUNT, { junkEvery: JUNK_EVERY });
  writeMaildir(join(tmp, 'Maildir'), FOLDER_COUNT);
  writeEmlFolder(join(tmp, 'eml'), FOLDER_COUNT);
  writeSlackFolder(join(tmp, 'slack'), slackExportFiles(FOLDER_COUNT, { badDay: true }));
  await writeSlackZip(join(tmp, 'slack.zip'), slackExportFiles(FOLDER_COUNT, { badDay: true }));
});

describe('mbox', () => {
  it('counts findings by rule as linting each message alone does, and counts malformed entries as unreadable', async () => {
    const result = await audit(await mboxSource(join(tmp, 'sent.mbox')));
    const junk = MBOX_COUNT / JUNK_EVERY;
    expect(result.complete).toBe(true);
    expect(result.tally.messages).toBe(MBOX_COUNT - junk);
    expect(result.tally.unreadable).toBe(junk);
    expect(result.tally.unreadableReasons).toEqual({ 'not an email message: no headers': junk });
    const expected = await expectedEmailByRule(MBOX_COUNT, JUNK_EVERY);
    expect(Object.keys(expected).length).toBeGreaterThan(4);
    expect(sorted(result.tally.byRule)).toEqual(sorted(expected));
  });

  it('splits only on "From " after a blank line, unescapes >From, and reports text before the first separator', async () => {
    const path = join(tmp, 'edge.mbox');
    const eml = (subject: string, body: string) => `From: a@example.test\nSubject: ${subject}\n\n${body}\n`;
    writeFileSync(
      path,
      'stray text before any separator\n\n' +
        `From x Mon May 12 10:00:00 2026\n${eml('one', 'line one\n>From the start\nFrom inside a paragraph is not a separator')}\n` +
        `From y Mon May 12 10:00:00 2026\n${eml('two', 'second')}`,
    );
    const entries = [];
    for await (const e of mboxEntries(path)) entries.push(e);
    expect(entries.map((e) => e.preamble)).toEqual([true, false, false]);
    const first = entries[1]!.raw!.toString();
    expect(first).toContain('\nFrom the start\n');
    expect(first).toContain('From inside a paragraph');
    expect(entries[2]!.raw!.toString()).toBe(eml('two', 'second'));
    const result = await audit(await mboxSource(path));
    expect(result.tally.messages).toBe(2);
    expect(result.tally.unreadable).toBe(1);
  });

  it('drops a message over the size limit without holding it, and goes on', async () => {
    const path = join(tmp, 'large.mbox');
    const big = `From: a@example.test\nSubject: big\n\n${'x'.repeat(5000)}\n${'y'.repeat(300)}\n`;
    writeFileSync(path, `From x Mon May 12 10:00:00 2026\n${big}\nFrom y Mon May 12 10:00:00 2026\nFrom: b@example.test\nSubject: small\n\nhello\n`);
    const entries = [];
    for await (const e of mboxEntries(path, 0, 1024)) entries.push(e);
    expect(entries).toHaveLength(2);
    expect(entries[0]!.raw).toBeUndefined();
    expect(entries[1]!.raw!.toString()).toContain('Subject: small');
    expect(entries[1]!.start).toBe(entries[0]!.end);
  });
});

describe('--jobs', () => {
  it('worker threads give the counts and the excerpts of one thread, in the same order', async () => {
    const base = { linter, councilFile: EXAMPLE_COUNCIL, names: false, excerpts: true, key: KEY, resume: false };
    const one = await runAudit({ ...base, source: await mboxSource(join(tmp, 'sent.mbox')), statePath: join(tmp, 'jobs-1.json') });
    const two = await runAudit({ ...base, source: await mboxSource(join(tmp, 'sent.mbox')), statePath: join(tmp, 'jobs-2.json'), jobs: 2 });
    expect(two.tally).toEqual(one.tally);
    expect(two.examples).toEqual(one.examples);
  });
});

describe('Maildir and a folder of .eml', () => {
  it('give the same counts as linting each message alone', async () => {
    const expected = sorted(await expectedEmailByRule(FOLDER_COUNT));
    for (const dir of ['Maildir', 'eml']) {
      const source = await openPath(join(tmp, dir), undefined, linter.council);
      expect(source.kind).toBe(dir === 'Maildir' ? 'maildir' : 'eml-folder');
      const result = await audit(source);
      expect(result.tally.messages).toBe(FOLDER_COUNT);
      expect(sorted(result.tally.byRule)).toEqual(expected);
    }
  });
});

describe('Slack export', () => {
  it('reads a folder and a zip alike, and counts a day that is not JSON as unreadable', async () => {
    const council = exampleCouncil();
    const expected: Record<string, number> = {};
    const files = slackExportFiles(FOLDER_COUNT);
    for (const [name, text] of files) {
      if (!/^\w+\/\d{4}-\d{2}-\d{2}\.json$/.test(name)) continue;
      for (const m of JSON.parse(text) as Array<{ subtype?: string; user: string; text: string; ts: string }>) {
        if (m.subtype) continue;
        const { text: plain, mentions } = fromSlackMarkup(m.text, council);
        const message = {
          channel: 'slack' as const,
          from: m.user,
          to: mentions.filter((id) => id !== m.user),
          cc: [],
          bcc: [],
          text: plain,
          sentAt: new Date(Number(m.ts) * 1000).toISOString(),
        };
        for (const f of linter.lint(message).findings) count(expected, f.rule);
      }
    }
    expect(Object.keys(expected).length).toBeGreaterThan(3);
    const folder = await audit(await slackExportSource(join(tmp, 'slack'), council));
    const zip = await audit(await openPath(join(tmp, 'slack.zip'), undefined, council));
    for (const result of [folder, zip]) {
      expect(result.tally.messages).toBe(FOLDER_COUNT);
      expect(result.tally.unreadable).toBe(1);
      expect(result.tally.unreadableReasons).toEqual({ 'not a valid Slack export day (a JSON array)': 1 });
      expect(result.tally.byChannel).toEqual({ slack: result.tally.findings });
      expect(sorted(result.tally.byRule)).toEqual(sorted(expected));
    }
    expect(zip.tally).toEqual(folder.tally);
  });
});

describe('resume', () => {
  for (const kind of ['mbox', 'Maildir', 'slack.zip']) {
    it(`after an interruption gives the same totals as one run (${kind})`, async () => {
      const path = join(tmp, kind === 'mbox' ? 'sent.mbox' : kind);
      const whole = await audit(await openPath(path, undefined, linter.council));
      const statePath = join(tmp, `resume-${kind}.json`);
      const controller = new AbortController();
      const stopAt = 7;
      const progress: ProgressSink = { start: () => {}, update: (_at, done) => done === stopAt && controller.abort(), stop: () => {} };
      const first = await audit(await openPath(path, undefined, linter.council), { statePath, signal: controller.signal, progress });
      expect(first.complete).toBe(false);
      expect(first.done).toBe(stopAt);
      const state = readFileSync(statePath, 'utf8');
      expect(state).not.toContain(MARKER);
      expect(state).not.toMatch(/ashcombe\.gov\.uk|Subject|Dear /);
      const second = await audit(await openPath(path, undefined, linter.council), { statePath, resume: true });
      expect(second.complete).toBe(true);
      expect(second.resumedAt).toBe(stopAt);
      expect(second.tally).toEqual(whole.tally);
      expect(existsSync(statePath)).toBe(false);
    });
  }

  it('keeps the excerpts of the first part apart from the state file, and reports them all after --resume', async () => {
    const path = join(tmp, 'sent.mbox');
    const base = { linter, councilFile: EXAMPLE_COUNCIL, names: false, excerpts: true, key: KEY };
    const whole = await runAudit({ ...base, source: await mboxSource(path), statePath: join(tmp, 'ex-whole.json'), resume: false });
    const statePath = join(tmp, 'ex-state.json');
    const controller = new AbortController();
    const progress: ProgressSink = { start: () => {}, update: (_at, done) => done === 9 && controller.abort(), stop: () => {} };
    await runAudit({ ...base, source: await mboxSource(path), statePath, resume: false, signal: controller.signal, progress });
    expect(readFileSync(statePath, 'utf8')).not.toContain(MARKER);
    expect(readFileSync(`${statePath}.excerpts.json`, 'utf8').length).toBeGreaterThan(2);
    const second = await runAudit({ ...base, source: await mboxSource(path), statePath, resume: true });
    expect(second.examples).toEqual(whole.examples);
    expect(existsSync(`${statePath}.excerpts.json`)).toBe(false);
  });

  it('refuses to resume against a changed input', async () => {
    const path = join(tmp, 'changing.mbox');
    await writeMbox(path, 10);
    const statePath = join(tmp, 'resume-changing.json');
    const controller = new AbortController();
    const progress: ProgressSink = { start: () => {}, update: (_at, done) => done === 3 && controller.abort(), stop: () => {} };
    await audit(await mboxSource(path), { statePath, signal: controller.signal, progress });
    await writeMbox(path, 12);
    await expect(audit(await mboxSource(path), { statePath, resume: true })).rejects.toThrow(/input has changed/);
  });
});

describe('the command', () => {
  it('writes JSON and HTML with no message text, no names and no addresses, and stable pseudonyms for a key', async () => {
    const names = exampleCouncil()
      .people.flatMap((p) => [p.name, p.email ?? '', p.name.replace(/^Cllr /, '')])
      .filter(Boolean);
    const outputs: string[] = [];
    for (const run of ['a', 'b']) {
      const r = await runCli(['audit', 'sent.mbox', '--json', `${run}.json`, '--html', `${run}.html`, '--pseudonym-key', 'k1'], tmp);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/By rule/);
      expect(r.stdout + r.stderr).not.toContain(MARKER);
      for (const file of [`${run}.json`, `${run}.html`]) {
        const text = readFileSync(join(tmp, file), 'utf8');
        expect(text).not.toContain(MARKER);
        for (const name of names) expect(text, name).not.toContain(name);
      }
      outputs.push(readFileSync(join(tmp, `${run}.json`), 'utf8'));
    }
    const [a, b] = outputs.map((t) => JSON.parse(t) as { topSenders: Array<{ label: string }>; totals: unknown; examples?: unknown });
    expect(a!.topSenders.length).toBeGreaterThan(2);
    expect(a!.topSenders.map((s) => s.label)).toEqual(b!.topSenders.map((s) => s.label));
    expect(a!.topSenders[0]!.label).toMatch(/^(councillor|officer|external)-[0-9a-f]{10}$/);
    expect(a!.examples).toBeUndefined();

    const other = await runCli(['audit', 'sent.mbox', '--json', 'c.json', '--no-progress'], tmp, { PROBITY_AUDIT_KEY: 'k2' });
    const c = JSON.parse(readFileSync(join(tmp, 'c.json'), 'utf8')) as typeof a;
    expect(other.code).toBe(0);
    expect(c!.totals).toEqual(a!.totals);
    const firstLabels = new Set(a!.topSenders.map((s) => s.label));
    expect(c!.topSenders.filter((s) => firstLabels.has(s.label))).toEqual([]);

    const named = await runCli(['audit', 'sent.mbox', '--json', 'd.json', '--names', '--no-progress'], tmp);
    expect(named.code).toBe(0);
    expect(readFileSync(join(tmp, 'd.json'), 'utf8')).toMatch(/Cllr /);
  });

  it('with --excerpts, and only then, includes message text; hostile subjects and names are escaped', async () => {
    const council = readFileSync(EXAMPLE_COUNCIL, 'utf8').replace('name: Cllr Tom Webb', 'name: "<img src=x onerror=alert(1)>Webb"');
    writeFileSync(join(tmp, 'hostile-council.yaml'), council);
    const list = examples();
    const dir = join(tmp, 'hostile');
    writeEmlFolder(dir, 0);
    const webb = list.findIndex((m) => m.from === 'U0WEBB' || m.from === 'tom.webb@ashcombe.gov.uk');
    expect(webb).toBeGreaterThanOrEqual(0);
    writeFileSync(join(dir, 'a.eml'), toEml(variant(list, webb), exampleCouncil(), { subject: '</script><script>alert("subject")</script>' }));
    const r = await runCli(
      ['audit', 'hostile', '--council', 'hostile-council.yaml', '--names', '--excerpts', '--json', 'h.json', '--html', 'h.html', '--no-progress'],
      tmp,
    );
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(tmp, 'h.json'), 'utf8')) as { examples: Array<{ subject: string; excerpt: string }> };
    expect(json.examples.length).toBeGreaterThan(0);
    expect(json.examples[0]!.subject).toContain('<script>');
    const html = readFileSync(join(tmp, 'h.html'), 'utf8');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(&quot;subject&quot;)');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;Webb');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert');
    expect(html.match(/<script\b/g)).toHaveLength(4);
  });

  it('stops with exit 130 when interrupted and --resume finishes it with the same totals', async () => {
    const controller = new AbortController();
    controller.abort();
    const { audit: auditCommand } = await import('../../src/cli/audit.js');
    let stderr = '';
    const io = {
      stdin: process.stdin,
      stdout: { write: () => true, once: () => undefined },
      stderr: { write: (t: string) => ((stderr += t), true), once: () => undefined },
      env: { PROBITY_AUDIT_KEY: 'k' },
      cwd: tmp,
    };
    const code = await auditCommand('sent.mbox', { folder: 'INBOX', json: 'r.json', progress: false }, io, { signal: controller.signal });
    expect(code).toBe(130);
    expect(stderr).toMatch(/--resume/);
    expect(existsSync(join(tmp, 'r.json.audit-state.json'))).toBe(true);
    expect((JSON.parse(readFileSync(join(tmp, 'r.json'), 'utf8')) as { complete: boolean }).complete).toBe(false);
    const resumed = await runCli(['audit', 'sent.mbox', '--json', 'r.json', '--resume', '--no-progress'], tmp, { PROBITY_AUDIT_KEY: 'k' });
    expect(resumed.code, resumed.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(tmp, 'r.json'), 'utf8')) as { complete: boolean; totals: { messages: number; unreadable: number } };
    expect(report.complete).toBe(true);
    expect(report.totals).toMatchObject({ messages: MBOX_COUNT - MBOX_COUNT / JUNK_EVERY, unreadable: MBOX_COUNT / JUNK_EVERY });
  });

  it('gives one line and exit 2 for a missing input or a folder that is not an export', async () => {
    const missing = await runCli(['audit', 'nope.mbox'], tmp);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`probity: ${join(tmp, 'nope.mbox')}: no such file or folder\n`);
    const empty = await runCli(['audit', '.', '--kind', 'slack'], join(tmp, 'hostile'));
    expect(empty.code).toBe(2);
    expect(empty.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe("a message's month is the council's (monthOf)", () => {
  it('counts a message in the month the council’s clock showed when it was sent, and says unknown without a date', () => {
    // 23:30 UTC on 31 March 2026 is 00:30 BST on 1 April in London, still March in New York.
    expect(monthOf('2026-03-31T23:30:00Z', 'Europe/London')).toBe('2026-04');
    expect(monthOf('2026-03-31T23:30:00Z', 'America/New_York')).toBe('2026-03');
    expect(monthOf('2026-12-31T23:30:00Z', 'Europe/London')).toBe('2026-12');
    expect(monthOf(undefined, 'Europe/London')).toBe('unknown');
    expect(monthOf('not a date', 'Europe/London')).toBe('unknown');
  });
});
