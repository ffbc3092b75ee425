/**
 * The audit shows every finding with its confidence (the `audit` stage: threshold 0 unless the council or
 * --min-confidence says otherwise), counts them by confidence band and per rule, lists them without text, and its
 * HTML report filters by band. Findings come from a scripted linter with explicit confidences ("[conf 0.55]").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/audit/html.js';
import { pseudonymKey } from '../../src/audit/pseudonym.js';
import { buildReport } from '../../src/audit/report.js';
import { runAudit, type RunOptions } from '../../src/audit/run.js';
import { formatAuditText } from '../../src/audit/text.js';
import type { AuditSource } from '../../src/audit/types.js';
import { EXAMPLE_COUNCIL } from '../../src/lint/load.js';
import type { Message } from '../../src/lint/types.js';
import { exampleCouncil, scriptedLinter } from '../helpers/scripted-linter.js';
import { runCli } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'probity-audit-conf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const message = (text: string): Message => ({
  channel: 'email',
  from: 'daniel.okafor@ashcombe.gov.uk',
  to: ['amir.patel@ashcombe.gov.uk'],
  cc: [],
  bcc: [],
  subject: 'Figures',
  text,
  sentAt: '2026-05-04T10:00:00Z',
});
const MESSAGES = [message('a [conf 0.95] [conf 0.2]'), message('b [conf 0.75]'), message('c [conf 0.55]'), message('d'), message('e [conf 0.49] [conf 0.9]')];

function memorySource(messages: Message[]): AuditSource {
  return {
    kind: 'mbox',
    label: 'memory',
    identity: { path: 'memory', count: messages.length },
    total: messages.length,
    unit: 'messages',
    async *items(cursor) {
      for (let i = cursor ? Number(cursor.i) + 1 : 0; i < messages.length; i++) {
        yield { cursor: { i }, progress: i + 1, where: `memory#${i}`, load: () => messages[i]! };
      }
    },
  };
}

function options(extra: Partial<RunOptions> = {}): RunOptions {
  return {
    source: memorySource(MESSAGES),
    linter: scriptedLinter(),
    councilFile: EXAMPLE_COUNCIL,
    statePath: join(tmp, `state-${Math.random().toString(36).slice(2)}.json`),
    resume: false,
    names: false,
    excerpts: false,
    key: pseudonymKey('k', {}),
    ...extra,
  };
}

const meta = {
  council: { name: 'Ashcombe District Council', protocol: 'north-east-derbyshire' },
  source: memorySource([]),
  names: false,
  now: new Date('2026-06-01T00:00:00Z'),
};

describe('the audit and confidence', () => {
  it('shows every finding by default, each with its confidence, counted by band and by rule', async () => {
    const report = buildReport(await runAudit(options()), meta);
    expect(report.totals.findings).toBe(6);
    expect(report.confidence).toMatchObject({ stage: 'audit', threshold: 0, source: 'council' });
    expect(report.confidence.bands.map((b) => b.band)).toEqual(['very-sure', 'fairly-sure', 'likely', 'unsure']);
    expect(report.byConfidence).toEqual({ 'very-sure': 2, 'fairly-sure': 1, likely: 1, unsure: 2 });
    expect(report.ruleByConfidence['direct-instruction']).toEqual(report.byConfidence);
    expect(report.findingList.listed.map((f) => [f.where, f.confidence])).toEqual([
      ['memory#0', 0.95],
      ['memory#0', 0.2],
      ['memory#1', 0.75],
      ['memory#2', 0.55],
      ['memory#4', 0.49],
      ['memory#4', 0.9],
    ]);
    // No text in the list: a place, a pseudonym, the rule and clause, the confidence.
    expect(Object.keys(report.findingList.listed[0]!).sort()).toEqual(['channel', 'clause', 'confidence', 'from', 'month', 'rule', 'severity', 'where']);
    expect(JSON.stringify(report.findingList)).not.toContain('scripted at');
  });

  it('--min-confidence counts only findings at least that sure, and the report says so', async () => {
    const report = buildReport(await runAudit(options({ minConfidence: 0.7 })), meta);
    expect(report.totals.findings).toBe(3);
    expect(report.byConfidence).toEqual({ 'very-sure': 2, 'fairly-sure': 1, likely: 0, unsure: 0 });
    expect(report.confidence).toMatchObject({ threshold: 0.7, source: 'option' });
    expect(formatAuditText(report, { color: false })).toContain('Counted only findings Probity is at least 70% sure of (--min-confidence).');
  });

  it("the council's audit threshold applies when it sets one", async () => {
    const linter = scriptedLinter(exampleCouncil({ 'post-send': 0.8, 'pre-send': 0.5, audit: 0.5 }));
    const report = buildReport(await runAudit(options({ linter })), meta);
    expect(report.totals.findings).toBe(4);
    expect(report.confidence).toMatchObject({ threshold: 0.5, source: 'council' });
  });

  it('examples (--excerpts) carry their confidence', async () => {
    const report = buildReport(await runAudit(options({ excerpts: true })), meta);
    expect(report.examples!.map((e) => e.confidence)).toEqual([0.95, 0.2, 0.75, 0.55, 0.49, 0.9]);
  });

  it('refuses to resume with another threshold', async () => {
    const statePath = join(tmp, 'resume-conf.json');
    const controller = new AbortController();
    let seen = 0;
    const progress = {
      start() {},
      update() {
        if (++seen === 2) controller.abort();
      },
      stop() {},
    };
    const first = await runAudit(options({ statePath, signal: controller.signal, progress }));
    expect(first.complete).toBe(false);
    await expect(runAudit(options({ statePath, resume: true, minConfidence: 0.9 }))).rejects.toThrow(/confidence 0 and up/);
    const resumed = await runAudit(options({ statePath, resume: true }));
    expect(resumed.tally.findings).toBe(6);
  });

  it('the terminal summary groups by band; the HTML report has the band table, the list and the filter', async () => {
    const report = buildReport(await runAudit(options()), meta);
    const text = formatAuditText(report, { color: false });
    expect(text).toMatch(
      /By how sure Probity is\n {2}very sure \(90–100%\) +2\n {2}fairly sure \(70–89%\) +1\n {2}likely \(50–69%\) +1\n {2}unsure \(under 50%\) +2\n/,
    );
    const html = renderHtml(report);
    expect(html).toContain('<select id="confidence-filter">');
    expect(html).toContain('<option value="90">Probity is at least 90% sure of</option>');
    expect(html.match(/<tr data-confidence="\d+">/g)).toHaveLength(6);
    expect(html).toContain('<tr data-confidence="95"><td>memory#0</td>');
    expect(html).toContain('very sure (95%)');
    expect(html).toContain('unsure (20%)');
  });

  it('probity audit --min-confidence takes 0–1, and refuses anything else in one line', async () => {
    const bad = await runCli(['audit', 'nothing.mbox', '--min-confidence', '80%'], tmp);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^probity: [^\n]*give a number from 0 to 1[^\n]*\n$/);
  });
});
