/**
 * `probity check` as ESLint and Vale are used: plain text (with --from/--to), several files, folders and globs in
 * one run, the excerpt under each finding, and .eml bodies that are not valid UTF-8. `probity audit` refusing what
 * is not a mailbox. Most cases run in this process over a recording linter (what the CLI hands the engine, with
 * findings the test writes); a few run the real engine.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { check, type CheckOptions } from '../src/cli/check.js';
import { run } from '../src/cli/program.js';
import type { Linter } from '../src/lint/engine.js';
import type { Message } from '../src/lint/types.js';
import { parseEml } from '../src/mail/eml.js';
import { exampleCouncil, scriptedFinding } from './helpers/scripted-linter.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = mkdtempSync(join(tmpdir(), 'probity-cli-inputs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(tmp, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const sink = (append: (s: string) => void) => ({ write: (s: string) => (append(s), true), once: () => undefined });

/** A linter that records each message and reports one error for a text containing "[error]". */
function recordingLinter(): { linter: Linter; seen: Message[] } {
  const seen: Message[] = [];
  const linter: Linter = {
    council: exampleCouncil(),
    rules: () => [],
    lint(message) {
      seen.push(message);
      return { findings: message.text.includes('[error]') ? [scriptedFinding(0.9, { excerpt: message.text.trim() })] : [] };
    },
  };
  return { linter, seen };
}

/** `check` in this process, with `cwd` as the working folder and `input` on stdin. */
async function recorded(inputs: string[], options: Partial<CheckOptions> = {}, input?: string | Buffer, cwd = tmp): Promise<Result & { seen: Message[] }> {
  const { linter, seen } = recordingLinter();
  let stdout = '';
  let stderr = '';
  const stdin = new PassThrough();
  stdin.end(input ?? '');
  const io = { stdin, stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), env: {}, cwd };
  const code = await check(inputs, { format: 'text', failOn: 'error', ...options }, io, linter);
  return { code, stdout, stderr, seen };
}

/** The whole command in this process, with the real engine and the example council. */
async function command(args: string[], input?: string | Buffer): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const stdin = new PassThrough();
  stdin.end(input ?? '');
  const code = await run(args, {
    stdin,
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    env: { PROBITY_COUNCIL: 'examples/council.yaml' },
    cwd: ROOT,
  });
  return { code, stdout, stderr };
}

const NO_PEOPLE_NOTE =
  'note: plain text was checked without --from or --to, so the rules that depend on who writes to whom (councillor, officer, grade, group) could not tell\n';
const SLOW = { timeout: 120_000 };

describe('plain text', () => {
  it('checks plain text on stdin as a message body, and says it had no sender or recipients', async () => {
    const r = await recorded(['-'], {}, 'Could you let me know when the committee meets?\nThanks\n');
    expect(r.code).toBe(0);
    expect(r.seen).toEqual([{ channel: 'email', from: '', to: [], cc: [], bcc: [], text: 'Could you let me know when the committee meets?\nThanks\n' }]);
    expect(r.stdout).toBe(`✔ 1 message checked, no problems\n${NO_PEOPLE_NOTE}`);
    expect(r.stderr).toBe('');
  });

  it('checks a .txt file from --from to each --to', async () => {
    const path = file('note.txt', '\uFEFFSend me the figures [error]\n');
    const r = await recorded([path], { from: 'tom.webb@ashcombe.gov.uk', to: ['amir.patel@ashcombe.gov.uk', 'U0PATEL'] });
    expect(r.code).toBe(1);
    expect(r.seen).toEqual([
      {
        channel: 'email',
        from: 'tom.webb@ashcombe.gov.uk',
        to: ['amir.patel@ashcombe.gov.uk', 'U0PATEL'],
        cc: [],
        bcc: [],
        text: 'Send me the figures [error]\n',
      },
    ]);
    expect(r.stdout).toMatch(/^.*note\.txt\n {2}1:1 +error/);
    expect(r.stdout).not.toContain('note:');
  });

  it('says which --from or --to address the directory does not know', async () => {
    const r = await recorded(['-'], { from: 'nobody@example.org', to: ['amir.patel@ashcombe.gov.uk'] }, 'Hello');
    expect(r.stdout).toBe("✔ 1 message checked, no problems\nnote: nobody@example.org is not in the council's directory, so its role is unknown\n");
  });

  it('keeps JSON output one message per line: the note goes to stderr', async () => {
    const r = await recorded(['-'], { format: 'json' }, 'Hello');
    expect(r.stdout).toBe('{"id":"<stdin>","findings":[]}\n');
    expect(r.stderr).toBe(`probity: ${NO_PEOPLE_NOTE}`);
  });

  it('still sniffs JSON and MIME on stdin, and still refuses an .eml without headers', async () => {
    const mime = await recorded(['-'], {}, 'From: a@x.gov.uk\r\nTo: b@x.gov.uk\r\nSubject: s\r\n\r\nHello\r\n');
    expect(mime.seen[0]).toMatchObject({ from: 'a@x.gov.uk', to: ['b@x.gov.uk'], subject: 's' });
    expect(mime.stdout).not.toContain('note:');
    const json = await recorded(['-'], {}, JSON.stringify({ channel: 'slack', from: 'U1', text: 'hi' }));
    expect(json.seen[0]).toMatchObject({ channel: 'slack', from: 'U1' });
    const eml = await recorded([file('headless.eml', 'Just some words\n')]);
    expect(eml.code).toBe(2);
    expect(eml.stderr).toMatch(/headless\.eml: not an email message: no headers\n$/);
    expect(eml.seen).toEqual([]);
  });

  it('refuses plain text that is not valid UTF-8, or binary', async () => {
    const bad = await recorded([file('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]))]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`probity: ${join(tmp, 'latin1.txt')}: not valid UTF-8\n`);
    const binary = await recorded(['-'], {}, Buffer.from([0x68, 0x00, 0x69]));
    expect(binary.stderr).toBe('probity: <stdin>: binary content, not a message\n');
  });

  it('documents --from and --to in --help', async () => {
    const r = await command(['check', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--from <address> +plain text: the sender/);
    expect(r.stdout).toMatch(/--to <address> +plain text: a recipient \(repeat for more\)/);
    expect(r.stdout).toMatch(/Usage: probity check \[options\] <file\.\.\.>/);
  });

  it('with the real engine: a councillor to a junior officer is judged by role only when --from/--to say who', SLOW, async () => {
    const text = 'Amir, get the enforcement file for 12 Kestrel Drive over to me by 3 today.\n';
    const withRoles = await command(['check', '--format', 'json', '--from', 'tom.webb@ashcombe.gov.uk', '--to', 'amir.patel@ashcombe.gov.uk', '-'], text);
    expect(JSON.parse(withRoles.stdout).findings.map((f: { rule: string }) => f.rule)).toContain('direct-instruction');
    expect(withRoles.stderr).toBe('');
    const anonymous = await command(['check', '--format', 'json', '-'], text);
    expect(JSON.parse(anonymous.stdout).findings.map((f: { rule: string }) => f.rule)).not.toContain('direct-instruction');
    expect(anonymous.stderr).toBe(`probity: ${NO_PEOPLE_NOTE}`);
  });
});

describe('several inputs: files, folders, globs', () => {
  const clean = (id: string) => JSON.stringify({ id, channel: 'email', from: 'a@x', text: 'Hello' });

  it('reads a folder recursively, only message files, sorted, skipping dot folders and node_modules', async () => {
    file('box/b.jsonl', `${clean('b1')}\n${clean('b2')}\n`);
    file('box/a/z.txt', 'plain');
    file('box/a/m.EML', 'From: a@x.gov.uk\r\nSubject: s\r\n\r\nHi\r\n');
    file('box/c.json', clean('c'));
    file('box/notes.pdf', '%PDF-1.4');
    file('box/.hidden/x.txt', 'hidden');
    file('box/node_modules/y.txt', 'dependency');
    const r = await recorded(['box'], { format: 'json' });
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual([join('box', 'a', 'm.EML'), join('box', 'a', 'z.txt'), 'b1', 'b2', 'c']);
  });

  it('expands a glob, and takes each file once however often it is named', async () => {
    file('glob/one.jsonl', clean('g1'));
    file('glob/deep/two.jsonl', clean('g2'));
    file('glob/three.json', clean('g3'));
    const r = await recorded(['glob/**/*.jsonl', 'glob/one.jsonl', 'glob/three.json'], { format: 'json' });
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual(['g2', 'g1', 'g3']);
  });

  it('names a missing path, a glob with no match and an empty folder in one line each, checks the rest, and exits with the worst', async () => {
    file('worst/breach.txt', 'Send me the figures [error]');
    mkdirSync(join(tmp, 'worst/empty'), { recursive: true });
    const r = await recorded(['no/such.eml', 'worst/breach.txt', 'worst/*.jsonl', 'worst/empty']);
    expect(r.code).toBe(2); // bad input (2) is worse than a finding (1)
    expect(r.stderr).toBe(
      [
        'probity: no/such.eml: no such file or folder',
        'probity: worst/*.jsonl: no message files match (.eml, .json, .jsonl, .ndjson, .txt)',
        'probity: worst/empty: no message files in this folder (.eml, .json, .jsonl, .ndjson, .txt)',
        '',
      ].join('\n'),
    );
    expect(r.stdout).toMatch(/^worst\/breach\.txt\n {2}1:1 +error/);
    expect(r.stdout).toContain('✖ 1 problem (1 error, 0 warnings, 0 info); 3 could not be read\n');
  });

  it('goes on after a file that is not a message, and exits 1 when the rest only has findings', async () => {
    file('mixed/a-binary.json', Buffer.from([0x7b, 0x00]));
    file('mixed/b.txt', 'Send me the figures [error]');
    const r = await recorded(['mixed']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`probity: ${join('mixed', 'a-binary.json')}: binary content, not a message\n`);
    expect(r.stdout).toContain(join('mixed', 'b.txt'));
    const findingsOnly = await recorded(['mixed/b.txt', 'box/c.json']);
    expect(findingsOnly.code).toBe(1);
  });

  it('reads stdin once only', async () => {
    await expect(recorded(['-', '-'])).rejects.toThrow('- (stdin) can be given only once');
  });
});

describe('the excerpt under each finding', () => {
  it('shows the words found on one line under the location line: whitespace folded, long text cut, control characters gone', async () => {
    const long = `Send me\n\tthe figures \x1b[31mnow\x1b[0m [error] ${'and the rest of the report '.repeat(10)}`;
    const r = await recorded([file('excerpt.txt', long)]);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toMatch(/^ {2}1:1 +error +direct-instruction /);
    const excerpt = lines[2]!;
    expect(excerpt).toMatch(/^ +> Send me the figures \[31mnow \[0m \[error\] and the rest of the report .*…$/);
    expect(excerpt).not.toContain('\x1b');
    expect(excerpt.length).toBeLessThan(200);
    expect(lines[3]).toMatch(/^ +Probity /);
  });
});

describe('.eml bodies that are not valid UTF-8', () => {
  const headers = 'From: tom.webb@ashcombe.gov.uk\r\nTo: amir.patel@ashcombe.gov.uk\r\nSubject: Figures\r\nMIME-Version: 1.0\r\n';
  const invalid8bit = Buffer.concat([
    Buffer.from(`${headers}Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nCaf`),
    Buffer.from([0xe9, 0xff]),
    Buffer.from(' today\r\n'),
  ]);
  const invalidBase64 = `${headers}Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.concat([Buffer.from('Caf'), Buffer.from([0xc3, 0x28])]).toString('base64')}\r\n`;
  const valid = `${headers}Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nCafé today\r\n`;

  it.each([
    ['raw 8-bit bytes', 'bad-8bit.eml', invalid8bit],
    ['base64-encoded bytes', 'bad-base64.eml', invalidBase64],
  ])('refuses %s in one line, exit 2, without checking the message', async (_what, name, content) => {
    const r = await recorded([file(name, content)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`probity: ${join(tmp, name)}: message body is not valid UTF-8 (or not valid in the charset it declares)\n`);
    expect(r.seen).toEqual([]);
  });

  it('checks valid UTF-8 and other declared charsets as before', async () => {
    const latin1 = Buffer.concat([Buffer.from(`${headers}Content-Type: text/plain; charset=iso-8859-1\r\n\r\nCaf`), Buffer.from([0xe9]), Buffer.from('\r\n')]);
    const r = await recorded([file('good-utf8.eml', valid), file('good-latin1.eml', latin1)]);
    expect(r.code).toBe(0);
    expect(r.seen.map((m) => m.text.trim())).toEqual(['Café today', 'Café']);
  });

  it('other channels (IMAP, Outlook) still check mislabelled mail, with U+FFFD in place of the bad bytes', async () => {
    expect((await parseEml(invalid8bit)).text).toContain('Caf\uFFFD');
    await expect(parseEml(invalid8bit, { strictCharset: true })).rejects.toThrow(/not valid UTF-8/);
  });
});

describe('probity audit refuses what is not a mailbox', SLOW, () => {
  it.each([
    [
      'a program',
      '/bin/ls',
      /^probity: \/bin\/ls: not an mbox file \(it does not start with a "From " line\); audit reads an mbox file, a Maildir, a folder of \.eml files, a Slack export \(folder or \.zip\) or --imap <mailbox>\n$/,
    ],
    ['an Outlook .pst', 'export.pst', /^probity: .*export\.pst: an Outlook data file \(\.pst\) is not read directly: convert it to mbox first \(readpst/],
    ['an Outlook .msg', 'one.msg', /^probity: .*one\.msg: an Outlook message \(\.msg\) is not read directly/],
    ['a single .eml', 'one.eml', /^probity: .*one\.eml: one message: check it with probity check, or audit the folder it is in\n$/],
    ['an empty file', 'empty.mbox', /^probity: .*empty\.mbox: an empty file; audit reads an mbox file/],
    ['a folder of other things', 'stuff/', /^probity: .*stuff: not a Maildir .*; audit reads an mbox file/],
  ])('%s: exit 2 and one line saying what audit reads', async (_what, input, expected) => {
    const path = input.startsWith('/')
      ? input
      : input.endsWith('/')
        ? dirname(file(`${input}readme.txt`, 'not mail'))
        : file(input, input === 'empty.mbox' ? '' : input === 'one.eml' ? 'From: a@x.gov.uk\r\n\r\nHi\r\n' : '!BDN\x00\x01binary');
    const r = await command(['audit', '--no-progress', '--pseudonym-key', 'k', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(expected);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stdout).toBe('');
  });

  it('still audits an mbox, and refuses a non-mbox file given with --kind mbox', async () => {
    const mbox = file('ok.mbox', 'From a@x Mon Jan  1 00:00:00 2026\r\nFrom: a@x.gov.uk\r\nSubject: s\r\n\r\nHello\r\n');
    const ok = await command(['audit', '--no-progress', '--pseudonym-key', 'k', '--state', join(tmp, 'ok.state'), mbox]);
    expect(ok.stderr).not.toMatch(/not an mbox/);
    expect(ok.code).toBe(0);
    const forced = await command(['audit', '--no-progress', '--kind', 'mbox', file('forced.txt', 'hello')]);
    expect(forced.code).toBe(2);
    expect(forced.stderr).toMatch(/forced\.txt: not an mbox file/);
  });
});
