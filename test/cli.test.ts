/**
 * The `probity` command, run as a real process (`node --import tsx src/cli/main.ts`): input formats, bad input,
 * output formats and exit codes. A few cases that need a terminal on stdin go through `run()` in-process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { check } from '../src/cli/check.js';
import { run } from '../src/cli/program.js';
import { RULE_IDS } from '../src/directory/rule-ids.js';
import { exampleCouncil, scriptedLinter } from './helpers/scripted-linter.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = mkdtempSync(join(tmpdir(), 'probity-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Each run loads the engine and its lexicons (a few seconds of CPU under tsx): run no more at once than there are
 * cores, so that concurrent tests queue instead of all timing out together on a small CI machine.
 */
const MAX_PROCESSES = Math.max(1, availableParallelism());
let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(task: () => Promise<T>): Promise<T> {
  if (running >= MAX_PROCESSES) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await task();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * Run the CLI; stdin gets `input` (or is closed at once). Colour comes only from the arguments; the council is the
 * example's unless a test says otherwise (a fallback to it is announced on stderr, tested on its own below).
 */
function cli(args: string[], input?: string | Buffer, env: Record<string, string> = {}): Promise<Result> {
  return slot(() => spawnCli(args, input, env));
}

function spawnCli(args: string[], input: string | Buffer | undefined, env: Record<string, string>): Promise<Result> {
  return new Promise((resolve, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    delete childEnv.FORCE_COLOR;
    if (!('PROBITY_COUNCIL' in env)) childEnv.PROBITY_COUNCIL = 'examples/council.yaml';
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => {}); // the CLI may exit before reading all of it
    child.stdin.end(input);
  });
}

function file(name: string, content: string | Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

const line = (message: object) => JSON.stringify(message);
const base = { channel: 'email', from: 'ruth.hale@ashcombe.gov.uk', to: ['amir.patel@ashcombe.gov.uk'] };
/** A councillor asking a junior officer for party campaign print: a certain `political-request` error. */
const breach = {
  ...base,
  id: 'breach',
  from: 'tom.webb@ashcombe.gov.uk',
  subject: 'Leaflets',
  text: 'Amir, I want you to print 500 Conservative campaign leaflets on the council printer for our ward party by Friday.',
};
/** A polite request for information: no error, and no warning. */
const clean = { ...base, id: 'clean', subject: 'Committee', text: 'Could you let me know when the planning committee meets next month?' };

/** No stack trace: Node's "    at fn (file:line)" frames must never reach the user. */
const STACK_FRAME = /^\s+at /m;

/** The same command in this process (run() with stream stand-ins): for cases about our logic, not the process. */
async function inProcess(args: string[], input?: string, env: NodeJS.ProcessEnv = {}, tty = false): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) => ({ write: (s: string) => (append(s), true), once: () => undefined });
  const stdin = Object.assign(new PassThrough(), { isTTY: tty });
  if (!tty) stdin.end(input ?? '');
  const code = await run(args, {
    stdin,
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    env: { PROBITY_COUNCIL: 'examples/council.yaml', ...env },
    cwd: ROOT,
  });
  return { code, stdout, stderr };
}

/** Generous: each spawned run loads the engine, and CI machines are small and busy. */
const SLOW = { timeout: 180_000 };

describe('which council', () => {
  it('says on stderr when it falls back to the fictional example council', async () => {
    const r = await inProcess(['check', '--format', 'json', '-'], line(clean), { PROBITY_COUNCIL: '' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^probity: no council file \(--council, PROBITY_COUNCIL or \.\/council\.yaml\): using the fictional example council, .*examples\/council\.yaml\n$/,
    );
    expect((await inProcess(['check', '--format', 'json', '-'], line(clean))).stderr).toBe('');
  });
});

describe.concurrent('probity check: bad input (spawned)', SLOW, () => {
  it('reports a bad JSONL line with its number on stderr, checks the other lines, and exits 2', async () => {
    const path = file(
      'bad-line.jsonl',
      [
        line({ ...clean, id: 'm1' }),
        '{"id": "m2", not json',
        line({ ...clean, id: 'm3', to: 'amir.patel@ashcombe.gov.uk' }),
        '',
        line({ ...clean, id: 'm4' }),
      ].join('\n') + '\n',
    );
    const r = await cli(['check', '--format', 'json', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`probity: ${path}:2: not valid JSON\nprobity: ${path}:3: to: expected array, received string\n`);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual(['m1', 'm4']);
  });

  it('reports a JSONL line that is not valid UTF-8 and goes on', async () => {
    const bad = Buffer.concat([Buffer.from('{"id":"u2","channel":"email","from":"a@x","text":"caf'), Buffer.from([0xe9, 0xff]), Buffer.from('"}')]);
    const path = file(
      'bad-utf8.jsonl',
      Buffer.concat([Buffer.from(line({ ...clean, id: 'u1' }) + '\n'), bad, Buffer.from('\n' + line({ ...clean, id: 'u3' }) + '\n')]),
    );
    const r = await cli(['check', '--format', 'json', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`probity: ${path}:2: not valid UTF-8\n`);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual(['u1', 'u3']);
  });

  it('refuses a binary file with one line and no stack trace', async () => {
    const r = await cli(['check', 'test/fixtures/binary.eml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('probity: test/fixtures/binary.eml: binary content, not an email message\n');
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stdout).toBe('');
  });

  it('refuses a MIME file without headers with a one-line reason', async () => {
    const r = await cli(['check', 'test/fixtures/malformed.eml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('probity: test/fixtures/malformed.eml: not an email message: no headers\n');
  });

  it('treats an empty file as no messages: exit 0', async () => {
    const r = await cli(['check', file('empty.eml', '')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('✔ 0 messages checked, no problems\n');
  });

  it('finishes on a 50 MB message without hanging', { timeout: 300_000 }, async () => {
    const text = 'The residents of Northgate have asked about the planning application again. '.repeat(680_000);
    const path = file('big.jsonl', line({ ...base, id: 'big', text }) + '\n');
    const r = await cli(['check', '--format', 'json', path]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).id).toBe('big');
  });

  it('reads JSON Lines piped to stdin', async () => {
    const r = await cli(['check', '--format', 'json', '-'], [line({ ...clean, id: 's1' }), line({ ...clean, id: 's2' })].join('\n'));
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual(['s1', 's2']);
  });

  it('exits 2 with a one-line reason on bad usage', async () => {
    const [format, missing, unknown] = await Promise.all([cli(['check', '--format', 'xml', 'x.eml']), cli(['check']), cli(['chekc', 'x'])]);
    for (const r of [format, missing, unknown]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^probity: /);
      expect(r.stderr).not.toMatch(STACK_FRAME);
    }
    expect(missing.stderr).toBe("probity: missing required argument 'file'\n");
  });

  it('names the line of a bad council file and exits 2', async () => {
    const council = file('bad-council.yaml', 'council: Testshire\nprotocol: north-east-derbyshire\npeople:\n  - { id: x, name: X, role: mayor }\n');
    const r = await cli(['check', '--council', council, 'test/fixtures/plain.eml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^probity: .*bad-council\.yaml: line 4: people\.x\.role: must be one of councillor, officer \(got "mayor"\)\n$/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });
});

describe.concurrent('probity check: output and exit codes (spawned)', SLOW, () => {
  it('prints one JSON line per message: exactly {id, findings}', async () => {
    const r = await cli(['check', '--format', 'json', '--fail-on', 'never', file('two.jsonl', [line(clean), line(breach)].join('\n'))]);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => Object.keys(l))).toEqual([
      ['id', 'findings'],
      ['id', 'findings'],
    ]);
    expect(lines.map((l) => l.id)).toEqual(['clean', 'breach']);
    for (const l of lines) expect(Array.isArray(l.findings)).toBe(true);
  });

  // Depends on the engine flagging `breach` as an error.
  it('exits 1 when a finding reaches --fail-on (default error)', async () => {
    const r = await cli(['check', file('breach.jsonl', line(breach))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
  });

  it('lists the 13 rules with severity and cited clauses', async () => {
    const r = await cli(['rules']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Ashcombe District Council');
    for (const id of RULE_IDS) expect(r.stdout).toMatch(new RegExp(`^ {2}${id} +(error|warning|info|off) +\\S`, 'm'));
    expect(r.stdout).toMatch(/\n13 rules\n$/);
  });
});

describe('probity check (in process)', SLOW, () => {
  it('refuses to wait on a terminal', async () => {
    const r = await inProcess(['check', '-'], undefined, {}, true);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('probity: reading from stdin, but stdin is a terminal (pipe a message in, or name a file)\n');
  });

  it('sniffs stdin: a pretty-printed JSON object, and MIME', async () => {
    const json = await inProcess(['check', '--format', 'json', '-'], JSON.stringify({ ...clean, id: 'pretty' }, null, 2));
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).id).toBe('pretty');
    const mime = await inProcess(
      ['check', '--format', 'json', '--fail-on', 'never', '-'],
      'From: a@x.gov.uk\r\nTo: b@x.gov.uk\r\nSubject: s\r\nMessage-ID: <stdin-1@x>\r\n\r\nHello\r\n',
    );
    expect(mime.code).toBe(0);
    expect(JSON.parse(mime.stdout).id).toBe('<stdin-1@x>');
  });

  it.each(['empty.jsonl', 'empty.json', 'blank.eml'])('treats an empty file (%s) as no messages', async (name) => {
    const r = await inProcess(['check', file(name, name === 'blank.eml' ? '\n\n  \n' : '')]);
    expect(r).toEqual({ code: 0, stdout: '✔ 0 messages checked, no problems\n', stderr: '' });
  });

  it('refuses binary content in a .jsonl file as a whole, not line by line', async () => {
    const r = await inProcess(['check', file('binary.jsonl', Buffer.from([0x7b, 0, 1, 2, 0x0a, 0xff, 0, 0x0a]))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^probity: .*binary\.jsonl: binary content, not a message\n$/);
  });

  it('names a missing file', async () => {
    const r = await inProcess(['check', 'no/such/message.eml']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'probity: no/such/message.eml: no such file or folder\n' });
  });

  it('checks an .eml file and names it in JSON output by its Message-ID', async () => {
    const r = await inProcess(['check', '--format', 'json', '--fail-on', 'never', 'test/fixtures/plain.eml']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: '<plain-1@ashcombe.gov.uk>', findings: expect.any(Array) });
  });

  it('checks a .json message without an id, named by its file; an array of messages too', async () => {
    const one = file('one.json', JSON.stringify({ ...clean, id: undefined }, null, 2));
    expect(await inProcess(['check', '--format', 'json', one])).toEqual({ code: 0, stdout: line({ id: one, findings: [] }) + '\n', stderr: '' });
    const many = file('many.json', JSON.stringify([{ ...clean, id: 'a1' }, { ...clean, id: undefined }, { nope: true }]));
    const r = await inProcess(['check', '--format', 'json', many]);
    expect(r.code).toBe(2);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual(['a1', `${many}[1]`]);
    expect(r.stderr).toBe(`probity: ${many}[2]: channel: expected "email" or "slack"; from: required (string)\n`);
  });

  it('refuses a .json message that fails validation or is not JSON, naming the file', async () => {
    const invalid = await inProcess(['check', file('invalid.json', JSON.stringify({ from: 'a@x', text: 'hi' }))]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/^probity: .*invalid\.json: channel: expected "email" or "slack"\n$/);
    const broken = await inProcess(['check', file('broken.json', '{"channel": ')]);
    expect(broken.stderr).toMatch(/^probity: .*broken\.json: not valid JSON\n$/);
  });

  it('exits 0 on a clean message with the default --fail-on', async () => {
    const r = await inProcess(['check', file('clean.jsonl', line(clean))]);
    expect(r).toEqual({ code: 0, stdout: '✔ 1 message checked, no problems\n', stderr: '' });
  });

  // Depends on the engine flagging `breach` as an error.
  it('exits 1 or 0 by --fail-on', async () => {
    const path = file('breach-levels.jsonl', line(breach));
    const [byDefault, warning, never] = await Promise.all([
      inProcess(['check', path]),
      inProcess(['check', '--fail-on', 'warning', path]),
      inProcess(['check', '--fail-on', 'never', path]),
    ]);
    expect([byDefault.code, warning.code, never.code]).toEqual([1, 1, 0]);
    expect(never.stdout).toBe(byDefault.stdout);
  });

  it('lets bad input (2) win over findings (1)', async () => {
    const r = await inProcess(['check', file('mixed.jsonl', [line(breach), 'not json'].join('\n'))]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/; 1 could not be read\n$/);
    const clean2 = await inProcess(['check', file('mixed-clean.jsonl', [line(clean), '[]'].join('\n'))]);
    expect(clean2.stdout).toBe('! 1 message checked, no problems; 1 could not be read\n');
    expect(clean2.stderr).toMatch(/mixed-clean\.jsonl:2: expected a message object, got an array\n$/);
  });

  // Depends on the engine flagging `breach`: the layout of the text output.
  it('prints findings like a linter: header, line:col severity rule message, clause, suggestion, summary', async () => {
    const path = file('text.jsonl', line(breach));
    const r = await inProcess(['check', path]);
    const out = r.stdout.split('\n');
    expect(out[0]).toBe(`${path}#breach`);
    expect(out[1]).toMatch(/^ {2}\d+:\d+ +error +(direct-instruction|political-request) +\S/); // an instruction to a junior officer, and party work
    expect(out[2]).toMatch(/^ +> .*print 500 Conservative campaign leaflets/); // the words found
    expect(out[3]).toMatch(/^ +Probity (is|thinks) [a-z ]+ \(\d+%\)\.$/);
    expect(out[4]).toMatch(/^ +North East Derbyshire [\w.()' ]+: ".+"$/);
    expect(out.some((l) => /^ +→ \S/.test(l))).toBe(true);
    expect(r.stdout).toMatch(/\n✖ \d+ problems? \(\d+ errors?, \d+ warnings?, \d+ info\)\n$/);
    expect(r.stdout).not.toContain('\x1b['); // not a TTY: no colour
  });

  it('colours only when asked to (FORCE_COLOR) and never with NO_COLOR', async () => {
    const path = file('colour.jsonl', line(clean));
    expect((await inProcess(['check', path], undefined, { FORCE_COLOR: '1' })).stdout).toContain('\x1b[');
    expect((await inProcess(['check', path], undefined, { FORCE_COLOR: '1', NO_COLOR: '1' })).stdout).not.toContain('\x1b[');
  });

  it('names the line of a YAML syntax error in the council file', async () => {
    const r = await inProcess(['rules', '--council', file('broken-council.yaml', 'council: Testshire\nprotocol: [north\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^probity: .*broken-council\.yaml: line \d+: .+\n$/);
  });

  it('refuses a broken briefings: section as the API does, naming the field and its line', async () => {
    const { readFileSync } = await import('node:fs');
    const { BriefingService } = await import('../src/briefings/service.js');
    const { parseCouncil } = await import('../src/directory/council.js');
    const example = readFileSync(join(ROOT, 'examples/council.yaml'), 'utf8').replace(/^briefings:[\s\S]*?(?=^\S|(?![\s\S]))/m, '');
    const broken = `${example}briefings:\n  offerExpiryWorkingDays: 3\n  reminderWorkingDays: [4]\n`;
    const path = file('broken-briefings.yaml', broken);
    // What the API's briefing service says of the same file.
    expect(() => new BriefingService({ council: parseCouncil(broken), store: {} as never, clock: () => new Date(0), newId: () => 'x' })).toThrow(
      /reminderWorkingDays/,
    );
    const brokenLine = broken.split('\n').indexOf('  reminderWorkingDays: [4]') + 1;
    for (const command of [
      ['check', '--council', path, 'test/fixtures/plain.eml'],
      ['rules', '--council', path],
    ]) {
      const r = await inProcess(command);
      expect(r.code, command[0]).toBe(2);
      expect(r.stderr).toBe(`probity: ${path}: line ${brokenLine}: briefings.reminderWorkingDays: 4 is not before the offer expires (3 working days)\n`);
    }
    // The example's own briefings section passes.
    expect((await inProcess(['rules', '--council', file('good-briefings.yaml', `${example}briefings:\n  offerExpiryWorkingDays: 5\n`)])).code).toBe(0);
  });

  it('refuses a broken enquiries: section as the enquiry service does, naming the person and the line', async () => {
    const { readFileSync } = await import('node:fs');
    const example = readFileSync(join(ROOT, 'examples/council.yaml'), 'utf8');
    const broken = example.replace('manager: o-hughes, officers: [o-patel]', 'manager: o-hughs, officers: [o-patel]');
    const path = file('broken-enquiries.yaml', broken);
    const line = broken.split('\n').findIndex((l) => l.includes('manager: o-hughs')) + 1;
    for (const command of [
      ['check', '--council', path, 'test/fixtures/plain.eml'],
      ['rules', '--council', path],
    ]) {
      const r = await inProcess(command);
      expect(r.code, command[0]).toBe(2);
      expect(r.stderr).toBe(`probity: ${path}: line ${line}: enquiries.services.1.manager: unknown person "o-hughs"\n`);
    }
  });

  describe('probity council validate', () => {
    it('says a good file is valid, with what it holds', async () => {
      const r = await inProcess(['council', 'validate', '--council', 'examples/council.yaml']);
      expect(r).toEqual({
        code: 0,
        stdout: 'examples/council.yaml: valid: Ashcombe District Council, protocol north-east-derbyshire, 25 people, 5 groups; enquiries checked\n',
        stderr: '',
      });
    });

    it('lists every problem on its own line with its line in the file, and exits 1', async () => {
      const { readFileSync } = await import('node:fs');
      const example = readFileSync(join(ROOT, 'examples/council.yaml'), 'utf8');
      const broken = example
        .replace('out-of-hours: info', 'out-of-hours: inf')
        .replace('authoriser: o-murray ', 'authoriser: o-muray ')
        .replace('rules:\n', 'rules:\n  silent-copies: off\n');
      const path = file('broken-everywhere.yaml', broken);
      const lineOf = (text: string) => broken.split('\n').findIndex((l) => l.includes(text)) + 1;
      const r = await inProcess(['council', 'validate', '--council', path]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n').filter(Boolean)).toEqual([
        `probity: ${path}: line ${lineOf('out-of-hours: inf')}: rules.out-of-hours: must be one of off, error, warning, info, or { severity: … } (got "inf")`,
        `probity: ${path}: 1 problem`,
      ]);
      // With the severity mended, the problems the schema cannot see: the designated person and the rule, by id.
      const path2 = file('broken-ids.yaml', broken.replace('out-of-hours: inf', 'out-of-hours: info'));
      const r2 = await inProcess(['council', 'validate', '--council', path2]);
      expect(r2.code).toBe(1);
      expect(r2.stderr.split('\n').filter(Boolean)).toEqual([
        `probity: ${path2}: line ${lineOf('authoriser: o-muray')}: designated.authoriser: unknown person "o-muray" (not an id in people)`,
        `probity: ${path2}: line ${lineOf('silent-copies: off')}: rules.silent-copies: unknown rule (known: ${RULE_IDS.join(', ')})`,
        `probity: ${path2}: 2 problems`,
      ]);
    });

    it('in briefings: and enquiries: too, a wrong type says what it should be and what it got, and an unknown key is at its own line', async () => {
      const { readFileSync } = await import('node:fs');
      const example = readFileSync(join(ROOT, 'examples/council.yaml'), 'utf8').replace(
        / {2}remindWorkingDaysBefore: 1 .*\n/,
        '  remindWorkingDaysBefore: soon\n',
      );
      const broken = `${example.replace(/^briefings:[\s\S]*?(?=^\S|(?![\s\S]))/m, '')}briefings:\n  offerExpiryWorkingDays: five\n  colour: red\n`;
      const path = file('broken-sections.yaml', broken);
      const lineOf = (text: string) => broken.split('\n').findIndex((l) => l.includes(text)) + 1;
      const r = await inProcess(['council', 'validate', '--council', path]);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n').filter(Boolean)).toEqual([
        `probity: ${path}: line ${lineOf('offerExpiryWorkingDays: five')}: briefings.offerExpiryWorkingDays: must be a number (got "five")`,
        `probity: ${path}: line ${lineOf('colour: red')}: briefings.colour: unknown key "colour"`,
        `probity: ${path}: line ${lineOf('remindWorkingDaysBefore: soon')}: enquiries.remindWorkingDaysBefore: must be a number (got "soon")`,
        `probity: ${path}: 3 problems`,
      ]);
    });

    it('a missing file is bad usage (exit 2)', async () => {
      const r = await inProcess(['council', 'validate', '--council', 'nowhere/council.yaml']);
      expect(r).toEqual({ code: 2, stdout: '', stderr: 'probity: council file not found: nowhere/council.yaml\n' });
    });
  });

  it('says when the council file is missing, from $PROBITY_COUNCIL', async () => {
    const r = await inProcess(['rules'], undefined, { PROBITY_COUNCIL: 'nowhere/council.yaml' });
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'probity: council file not found: nowhere/council.yaml\n' });
  });

  it('lists the rules as JSON lines: the 13 ids with severity, clauses and the good-practice flag', async () => {
    const r = await inProcess(['rules', '--format', 'json']);
    const rules = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rules.map((rule) => rule.id).sort()).toEqual([...RULE_IDS].sort());
    for (const rule of rules)
      expect(rule).toMatchObject({
        severity: expect.any(String),
        description: expect.any(String),
        clauses: expect.any(Array),
        goodPractice: expect.any(Boolean),
      });
  });
});

describe('probity token', () => {
  const secret = 'cli-token-test-secret-0123456789abcdefghij';
  const council = join(ROOT, 'examples/council.yaml');
  function tokenIo(env: Record<string, string>) {
    const out = { stdout: '', stderr: '' };
    const io = {
      stdin: process.stdin,
      stdout: { write: (t: string) => ((out.stdout += t), true), isTTY: false },
      stderr: { write: (t: string) => ((out.stderr += t), true), isTTY: false },
      env,
      cwd: process.cwd(),
    } as never;
    return { io, out };
  }

  it('issues a token the API verifies, with the role, the party, an id, an audience and the key id', async () => {
    const { verifyToken } = await import('../src/http/auth.js');
    const { run } = await import('../src/cli/program.js');
    const { io, out } = tokenIo({ PROBITY_TOKEN_KEYS: `2026-12:${secret}`, PROBITY_COUNCIL: council });
    expect(await run(['token', '--role', 'group-leader', '--sub', 'cllr-hale', '--days', '30'], io)).toBe(0);
    const token = out.stdout.trim();
    const verified = verifyToken({ current: { kid: '2026-12', secret }, keys: [{ kid: '2026-12', secret }] }, token, Math.floor(Date.now() / 1000));
    expect(verified).toMatchObject({
      ok: true,
      kid: '2026-12',
      claims: { role: 'group-leader', group: 'labour', sub: 'cllr-hale', aud: ['briefings', 'check'], jti: expect.any(String) },
    });
    if (!verified.ok) return;
    expect(out.stderr).toContain(
      `group-leader token for Cllr Ruth Hale (party labour), for briefings and check, valid 30 days, key 2026-12, id ${verified.claims.jti}`,
    );
    expect(out.stderr).toContain(`probity token revoke ${verified.claims.jti}`);
  });

  it('only issues tokens for people and parties council.yaml gives the role, saying why not in one line', async () => {
    const { run } = await import('../src/cli/program.js');
    const env = { PROBITY_TOKEN_SECRET: secret, PROBITY_COUNCIL: council };
    const refused = async (args: string[]) => {
      const { io, out } = tokenIo(env);
      expect(await run(['token', ...args], io), args.join(' ')).toBe(2);
      expect(out.stdout).toBe('');
      return out.stderr;
    };
    // A leader of one group cannot be given a token for another group's offers (issue 10's finding).
    expect(await refused(['--role', 'group-leader', '--sub', 'cllr-hale', '--group', 'conservative'])).toBe(
      'probity: Cllr Ruth Hale speaks for "labour" in council.yaml, not "conservative"\n',
    );
    expect(await refused(['--role', 'group-leader', '--sub', 'cllr-okafor'])).toBe(
      'probity: Cllr Daniel Okafor does not have the group-leader role in council.yaml (they have: checker)\n',
    );
    expect(await refused(['--role', 'ce-office', '--sub', 'o-patel'])).toBe(
      'probity: Amir Patel does not have the ce-office role in council.yaml (they have: officer, checker)\n',
    );
    expect(await refused(['--role', 'authoriser', '--sub', 'o-nobody'])).toBe(
      'probity: "o-nobody" is not a person in council.yaml (a token for a service can only be a checker token)\n',
    );
    expect(await refused(['--role', 'checker', '--sub', 'outlook-addin', '--audience', 'briefings'])).toBe('probity: a checker token is for check only\n');
    // A service gets a checker token, for check only.
    const { io, out } = tokenIo(env);
    expect(await run(['token', '--role', 'checker', '--sub', 'outlook-addin'], io)).toBe(0);
    expect(out.stderr).toMatch(/^probity: checker token for the service "outlook-addin", for check, valid 30 days/);
  });

  it('refuses a missing secret, the example secret, a placeholder, an unknown role and no council file, in one line', async () => {
    const { run } = await import('../src/cli/program.js');
    const cases: [Record<string, string>, string[], RegExp][] = [
      [
        { PROBITY_COUNCIL: council },
        ['--role', 'checker', '--sub', 'outlook-addin'],
        /^probity: PROBITY_TOKEN_SECRET must be set to at least 32 characters\n$/,
      ],
      [
        { PROBITY_COUNCIL: council, PROBITY_TOKEN_SECRET: 'change-me-to-at-least-32-random-characters' },
        ['--role', 'checker', '--sub', 'x'],
        /is the example value from the documentation/,
      ],
      [{ PROBITY_COUNCIL: council, PROBITY_TOKEN_SECRET: 's'.repeat(40) }, ['--role', 'checker', '--sub', 'x'], /is not random enough/],
      [{ PROBITY_COUNCIL: council, PROBITY_TOKEN_SECRET: secret }, ['--role', 'king', '--sub', 'x'], /--role must be one of/],
      [{ PROBITY_TOKEN_SECRET: secret }, ['--role', 'checker', '--sub', 'x'], /give --council or PROBITY_COUNCIL/],
    ];
    for (const [env, args, expected] of cases) {
      const { io, out } = tokenIo(env);
      expect(await run(['token', ...args], io), args.join(' ')).toBe(2);
      expect(out.stderr).toMatch(expected);
      expect(out.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('probity check: confidence', () => {
  /** `check` in this process over a scripted linter (findings at the confidences the text names). */
  async function scripted(options: Partial<Parameters<typeof check>[1]>, lines: string[]): Promise<Result> {
    let stdout = '';
    let stderr = '';
    const sink = (append: (s: string) => void) => ({ write: (s: string) => (append(s), true), once: () => undefined });
    const path = file(`conf-${Math.random().toString(36).slice(2)}.jsonl`, lines.join('\n'));
    const io = { stdin: new PassThrough(), stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), env: {}, cwd: ROOT };
    const linter = scriptedLinter(exampleCouncil({ 'post-send': 0.8, 'pre-send': 0.5, audit: 0 }));
    const code = await check(path, { format: 'text', failOn: 'error', ...options }, io, linter);
    return { code, stdout, stderr };
  }
  const message = (id: string, text: string) => line({ ...base, id, text });

  it('shows findings at the pre-send threshold by default, each with how sure Probity is, and says how many it left out', async () => {
    const r = await scripted({}, [message('low', 'Send it [conf 0.49]'), message('mid', 'Send it [conf 0.5] [conf 0.3]')]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('#low');
    expect(r.stdout).toContain('#mid');
    expect(r.stdout).toContain('Probity thinks it likely (50%).');
    expect(r.stdout).not.toMatch(/\((49|30)%\)/);
    expect(r.stdout).toMatch(/✖ 1 problem .*\n2 less sure findings not shown \(confidence below 0\.5; --min-confidence 0 shows every finding\)\n$/);
  });

  it('--stage picks the council threshold; --min-confidence overrides it', async () => {
    const lines = [message('a', 'x [conf 0.95] [conf 0.8] [conf 0.79] [conf 0.1]')];
    const count = (stdout: string) => (stdout.match(/^ +Probity /gm) ?? []).length;
    expect(count((await scripted({ stage: 'post-send' }, lines)).stdout)).toBe(2);
    expect(count((await scripted({ stage: 'audit' }, lines)).stdout)).toBe(4);
    expect(count((await scripted({ stage: 'post-send', minConfidence: 0.9 }, lines)).stdout)).toBe(1);
    const none = await scripted({ minConfidence: 1 }, lines);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/^✔ 1 message checked, no problems\n4 less sure findings not shown/);
  });

  it('JSON output gives each finding its confidence, and only those at the threshold', async () => {
    const r = await scripted({ format: 'json' }, [message('j', 'x [conf 0.82] [conf 0.2]')]);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 'j', findings: [{ confidence: 0.82 }] });
    expect(JSON.parse(r.stdout).findings).toHaveLength(1);
  });

  it('refuses a threshold outside 0–1 or an unknown stage, in one line', async () => {
    const path = file('conf-usage.jsonl', line(clean));
    for (const args of [
      ['--min-confidence', '1.5'],
      ['--min-confidence', 'high'],
      ['--stage', 'later'],
    ]) {
      const r = await inProcess(['check', ...args, path]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^probity: [^\n]+\n$/);
    }
    expect((await inProcess(['check', '--min-confidence', '1.5', path])).stderr).toContain('give a number from 0 to 1');
  });
});
