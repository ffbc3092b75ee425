/**
 * `probity check` places each finding in the file as given (an email's body line, not the line in the analysed
 * body; a JSON Lines record's line and column), and `--format sarif` writes one SARIF 2.1.0 log that the OASIS
 * schema accepts (test/fixtures/sarif-schema-2.1.0.json, the 2.1.0 schema as Microsoft's @microsoft/jest-sarif ships
 * it, MIT: kept here because CI has no network), with the rules and their protocol clauses, each result's level,
 * message and place in the original file, and the unreadable inputs as the invocation's notifications. Each result's
 * message names its template (`message.id`, a `messageStrings` entry on its rule) with the words that vary as
 * arguments, so that code scanning and the VS Code SARIF viewer group results by message.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type * as Sarif from 'sarif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/program.js';
import { SarifLog } from '../src/cli/sarif.js';
import { regionInFile, type MessageSource } from '../src/cli/source-position.js';
import { RULE_IDS } from '../src/directory/rule-ids.js';
import type { RuleInfo } from '../src/lint/engine.js';
import type { Finding } from '../src/lint/types.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = mkdtempSync(join(tmpdir(), 'probity-sarif-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
/** The schema is draft-04 (its `id`) with keywords Ajv's draft-07 checks; one of its patterns is not valid in Unicode mode. */
function sarifValidator() {
  const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  const schema = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
  delete schema.$schema;
  delete schema.id;
  return ajv.compile(schema);
}

/**
 * What a viewer shows for a result when it reads the message by id: SARIF's lookup (§3.11.7: the message string of
 * that id on the result's rule) with the arguments put in for the placeholders and "{{", "}}" read as braces (§3.11.5).
 */
function messageById(log: Sarif.Log, result: Sarif.Result): string {
  const rule = log.runs[0]!.tool.driver.rules![result.ruleIndex!]!;
  expect(rule.id).toBe(result.ruleId);
  const format = rule.messageStrings![result.message.id!]!.text;
  return format.replace(/\{\{|\}\}|\{(\d+)\}/g, (token, n?: string) => (n === undefined ? token[0]! : result.message.arguments![Number(n)]!));
}

/** A message string's text as a viewer shows it: "{{" and "}}" are braces (§3.11.5). */
const shown = (text: string) => text.replace(/\{\{|\}\}/g, (token) => token[0]!);

async function probity(args: string[], input = '', cwd = tmp): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) => ({ write: (s: string) => (append(s), true), once: () => undefined });
  const stdin = Object.assign(new PassThrough(), { isTTY: false });
  stdin.end(input);
  const code = await run(args, {
    stdin,
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    env: { PROBITY_COUNCIL: join(ROOT, 'examples/council.yaml') },
    cwd,
  });
  return { code, stdout, stderr };
}

const COUNCILLOR = 'tom.webb@ashcombe.gov.uk';
const JUNIOR = 'amir.patel@ashcombe.gov.uk';
const ORDER = 'Amir, get the enforcement file for 12 Kestrel Drive over to me by 3 today.';
const EML = [
  `From: Cllr Tom Webb <${COUNCILLOR}>`,
  `To: Amir Patel <${JUNIOR}>`,
  'Subject: Kestrel Drive',
  'Date: Tue, 3 Mar 2026 10:12:00 +0000',
  '',
  'Hello,',
  '',
  `  ${ORDER}`,
  '',
].join('\r\n');
const JSONL = [
  JSON.stringify({ id: 'clean', channel: 'email', from: COUNCILLOR, to: [JUNIOR], text: 'Could you let me know when the committee meets?' }),
  JSON.stringify({ id: 'order', channel: 'email', from: COUNCILLOR, to: [JUNIOR], subject: 'File', text: `Hello Amir,\n\n${ORDER}` }),
].join('\n');

beforeAll(() => {
  // A file name with a space: the SARIF URI must be percent-encoded.
  mkdirSync(join(tmp, 'mail'), { recursive: true });
  writeFileSync(join(tmp, 'mail', 'order one.eml'), EML);
  writeFileSync(join(tmp, 'm.jsonl'), JSONL);
});

describe('the place of a finding in the file as given', () => {
  it('an email: the line in the file (after its headers) and the column of the words', async () => {
    const r = await probity(['check', 'mail/order one.eml']);
    expect(r.code).toBe(1);
    // Line 8 of the file, after two spaces; in the analysed body it would be line 3, column 1.
    expect(r.stdout).toMatch(/^mail\/order one\.eml\n {2}8:3 +error +direct-instruction /);
  });

  it("JSON Lines: the record's line, and the column where the words are in it", async () => {
    const r = await probity(['check', 'm.jsonl']);
    const column = JSONL.split('\n')[1]!.indexOf('Amir, get the enforcement') + 1;
    expect(r.stdout).toMatch(new RegExp(`^m\\.jsonl#order\\n {2}2:${column} +error +direct-instruction `));
  });

  it('plain text on stdin: the line and column in what was piped', async () => {
    const r = await probity(['check', '--from', COUNCILLOR, '--to', JUNIOR, '-'], `Hi,\n\nThanks for this.   ${ORDER}\n`);
    // Line 3, after "Thanks for this." and three spaces (in the analysed body the spaces are folded).
    expect(r.stdout).toMatch(new RegExp(`^<stdin>\\n {2}3:${'Thanks for this.   '.length + 1} +error +direct-instruction `));
  });

  it('the same words twice: each finding at its own occurrence', () => {
    const text = 'You idiot.\nThanks.\nYou idiot.';
    const source: MessageSource = { text: `Subject: You idiot\n\n${text}`, line: 1, bodyStart: 20, encoding: 'plain' };
    const second = text.lastIndexOf('idiot');
    expect(regionInFile(source, text, { start: second, end: second + 5, line: 3, column: 5 })).toEqual({
      startLine: 5,
      startColumn: 5,
      endLine: 5,
      endColumn: 10,
    });
    const first = text.indexOf('idiot');
    expect(regionInFile(source, text, { start: first, end: first + 5, line: 1, column: 5 })).toEqual({
      startLine: 3,
      startColumn: 5,
      endLine: 3,
      endColumn: 10,
    });
  });

  it("words the file holds encoded (quoted-printable): the body's line plus the finding's, marked approximate", () => {
    const source: MessageSource = { text: 'From: a\n\nHello=\n there =E2=80=94 you idi=\not', line: 1, bodyStart: 9, encoding: 'plain' };
    const analysed = 'Hello there — you idiot';
    expect(regionInFile(source, analysed, { start: 18, end: 23, line: 1, column: 19 })).toEqual({
      startLine: 3,
      startColumn: 19,
      endLine: 3,
      endColumn: 24,
      approximate: true,
    });
  });
});

describe('--format sarif', () => {
  const validate = sarifValidator();

  it('the schema validator refuses what is not SARIF (so passing it means something)', () => {
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'warn' }] }] })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [] }] })).toBe(true);
  });

  it('one SARIF 2.1.0 log for every input: rules with their clauses, results with level, message and region in the original file', async () => {
    const r = await probity(['check', '--format', 'sarif', 'mail/order one.eml', 'm.jsonl']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const log = JSON.parse(r.stdout) as Sarif.Log;
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.version).toBe('2.1.0');
    const runOf = log.runs[0]!;
    const driver = runOf.tool.driver;
    expect(driver.name).toBe('Probity');
    expect(driver.rules!.map((rule) => rule.id).sort()).toEqual([...RULE_IDS].sort());
    const instruction = driver.rules!.find((rule) => rule.id === 'direct-instruction')!;
    expect(instruction.help!.text).toContain('North East Derbyshire 2.1: "Employees are accountable to their Senior Manager');
    expect((instruction.properties as { clauses: { ref: string }[] }).clauses.map((c) => c.ref)).toContain('2.1');
    // out-of-hours is info in this council: SARIF's "note".
    expect(driver.rules!.find((rule) => rule.id === 'out-of-hours')!.defaultConfiguration).toEqual({ level: 'note' });

    expect(runOf.originalUriBaseIds!.SRCROOT!.uri).toBe(pathToFileURL(tmp + '/').href);
    const results = runOf.results!;
    const fromEml = results.find(
      (res) => res.locations![0]!.physicalLocation!.artifactLocation!.uri === 'mail/order%20one.eml' && res.ruleId === 'direct-instruction',
    )!;
    expect(fromEml).toMatchObject({
      level: 'error',
      ruleIndex: driver.rules!.indexOf(instruction),
      message: { text: expect.stringMatching(/^This reads as an instruction from a councillor to Amir Patel/) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'mail/order%20one.eml', uriBaseId: 'SRCROOT' },
            region: { startLine: 8, startColumn: 3, snippet: { text: ORDER } },
          },
        },
      ],
      properties: { confidence: expect.any(Number), clause: { protocol: 'north-east-derbyshire', ref: '2.1' } },
    });
    const region = fromEml.locations![0]!.physicalLocation!.region!;
    // The region covers the words the finding is about, in the file's own text.
    const fileLine = EML.split('\r\n')[region.startLine! - 1]!;
    expect(region.endLine).toBe(region.startLine);
    expect(ORDER).toContain(fileLine.slice(region.startColumn! - 1, region.endColumn! - 1));
    const fromJsonl = results.find((res) => res.locations![0]!.physicalLocation!.artifactLocation!.uri === 'm.jsonl')!;
    expect(fromJsonl.locations![0]!.physicalLocation!.region!.startLine).toBe(2);
    expect(fromJsonl.locations![0]!.logicalLocations).toEqual([{ name: 'order', kind: 'message' }]);
    expect(runOf.invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
  });

  it("each result's message names its rule's template, with what varies as arguments, and keeps its text", async () => {
    const r = await probity(['check', '--format', 'sarif', 'mail/order one.eml', 'm.jsonl']);
    const log = JSON.parse(r.stdout) as Sarif.Log;
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const rules = log.runs[0]!.tool.driver.rules!;
    // Every rule lists its templates: the `{{name}}` placeholders of its file numbered as SARIF's.
    const instruction = rules.find((rule) => rule.id === 'direct-instruction')!;
    expect(instruction.messageStrings).toMatchObject({
      junior: { text: 'This reads as an instruction from a councillor to {0}, a junior officer; members do not direct junior staff.' },
      bypass: { text: 'This asks an officer to bypass their line management.' },
    });
    expect(rules.every((rule) => Object.keys(rule.messageStrings ?? {}).length > 0)).toBe(true);

    const results = log.runs[0]!.results!.filter((res) => res.ruleId === 'direct-instruction');
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(result.message).toEqual({
        text: expect.stringMatching(/^This reads as an instruction from a councillor to Amir Patel/),
        id: 'junior',
        arguments: [expect.stringMatching(/^Amir Patel/)],
      });
    }
    // What a viewer builds from the id and the arguments is the text the result carries.
    for (const result of log.runs[0]!.results!.filter((res) => res.message.id !== undefined)) {
      expect(messageById(log, result)).toBe(shown(result.message.text!));
    }
  });

  it('braces in what a finding quotes are written as SARIF escapes them, and are arguments as they are', () => {
    const info: RuleInfo = { id: 'out-of-hours', severity: 'info', description: 'Late {demands}.', clauses: [], goodPractice: true, suggestion: '' };
    const sarif = new SarifLog([info], tmp, '0.0.0');
    const finding: Finding = {
      rule: 'out-of-hours',
      messageId: 'deadline',
      severity: 'info',
      message: 'This asks an officer for something outside working hours ("by {6am}").',
      span: { start: 0, end: 1, line: 1, column: 1 },
      excerpt: '',
      clause: null,
      suggestion: '',
      confidence: 0.5,
    };
    sarif.add(finding, 'a.eml', { startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 }, 'a');
    // A reader finding names the reader's template, which every rule's descriptor carries.
    const readerMessage = 'Read as a whole, this sentence looks like a breach of this rule (late {demands}). What weighed most: "tonight", an ask.';
    sarif.add({ ...finding, messageId: 'reader', message: readerMessage }, 'a.eml', { startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 }, 'a');
    const log = sarif.toJSON();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0]!.tool.driver.rules![0]!.shortDescription).toEqual({ text: 'Late {{demands}}.' });
    const [deadline, reader] = log.runs[0]!.results!;
    expect(deadline!.message).toEqual({
      text: 'This asks an officer for something outside working hours ("by {{6am}}").',
      id: 'deadline',
      arguments: ['by {6am}'],
    });
    expect(messageById(log, deadline!)).toBe(finding.message);
    expect(reader!.message).toEqual({
      text: 'Read as a whole, this sentence looks like a breach of this rule (late {{demands}}). What weighed most: "tonight", an ask.',
      id: 'reader',
      arguments: ['late {demands}', '"tonight", an ask'],
    });
    expect(messageById(log, reader!)).toBe(readerMessage);
  });

  it('stdin, a missing file and a bad JSONL line: still one valid log, the problems as notifications, exit 2', async () => {
    writeFileSync(join(tmp, 'bad.jsonl'), '{"channel":"email"\n');
    const r = await probity(['check', '--format', 'sarif', '--from', COUNCILLOR, '--to', JUNIOR, '-', 'nowhere.eml', 'bad.jsonl'], ORDER);
    expect(r.code).toBe(2);
    const log = JSON.parse(r.stdout) as Sarif.Log;
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const runOf = log.runs[0]!;
    expect(runOf.results!.find((res) => res.ruleId === 'direct-instruction')!.locations![0]!.physicalLocation).toEqual({
      artifactLocation: { description: { text: 'standard input' } },
      region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: expect.any(Number), snippet: { text: ORDER } },
    });
    expect(runOf.invocations![0]!.executionSuccessful).toBe(false);
    expect(runOf.invocations![0]!.toolExecutionNotifications!.map((n) => [n.level, n.message.text])).toEqual([
      ['error', 'nowhere.eml: no such file or folder'],
      ['error', 'bad.jsonl:1: not valid JSON'],
    ]);
    // The one-line errors still go to stderr.
    expect(r.stderr).toContain('probity: nowhere.eml: no such file or folder\n');
  });

  it('a clean run is a valid log with no results', async () => {
    const r = await probity(
      ['check', '--format', 'sarif', '-'],
      JSON.stringify({ channel: 'email', from: COUNCILLOR, to: [JUNIOR], text: 'Could you let me know when the committee meets?' }),
    );
    expect(r.code).toBe(0);
    const log = JSON.parse(r.stdout) as Sarif.Log;
    expect(validate(log)).toBe(true);
    expect(log.runs[0]!.results).toEqual([]);
  });
});
