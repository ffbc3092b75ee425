/**
 * Engine-wide properties: never throws, spans inside the analysed text, findings have one shape; the council's
 * adjustments (rule off, severity, allow phrases) and good-practice citations work.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCouncil } from '../src/directory/council.js';
import { createLinter } from '../src/lint/engine.js';
import { loadLexicon, loadModel, loadResources, loadProtocolPacks, loadLinter } from '../src/lint/load.js';
import { normalise } from '../src/lint/normalise/index.js';
import type { Message } from '../src/lint/types.js';
import { readFileSync } from 'node:fs';
import { EXAMPLE_COUNCIL } from '../src/lint/load.js';

const linter = loadLinter();
const base: Message = { channel: 'email', from: 'daniel.okafor@ashcombe.gov.uk', to: ['amir.patel@ashcombe.gov.uk'], cc: [], bcc: [], text: '' };

function withCouncil(extra: string) {
  const text = readFileSync(EXAMPLE_COUNCIL, 'utf8') + '\n' + extra;
  return createLinter({ council: parseCouncil(text), packs: loadProtocolPacks(), lexicon: loadLexicon(), resources: loadResources(), model: loadModel() });
}

describe('engine properties', () => {
  it('never throws and keeps spans inside the analysed text, for arbitrary Unicode', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.constantFrom('email', 'slack'), (text, channel) => {
        const message = { ...base, channel, text } as Message;
        const analysed = normalise(message).text;
        for (const f of linter.lint(message).findings) {
          expect(f.span.start).toBeGreaterThanOrEqual(0);
          expect(f.span.end).toBeGreaterThanOrEqual(f.span.start);
          expect(f.span.end).toBeLessThanOrEqual(analysed.length);
          expect(f.span.line).toBeGreaterThanOrEqual(1);
          expect(f.span.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary code units (lone surrogates) mixed with trigger words', () => {
    const words = fc.constantFrom(
      'I want you to',
      'print',
      'leaflets',
      'Labour',
      'useless',
      'you',
      'remove the recommendation',
      '\n',
      '> ',
      'Cllr Hale',
      '—',
      '\u200b',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(words, fc.string({ unit: 'binary', maxLength: 8 })), { maxLength: 60 }), (parts) => {
        const message = { ...base, text: parts.join(' ') };
        const analysed = normalise(message).text;
        for (const f of linter.lint(message).findings) expect(f.span.end).toBeLessThanOrEqual(analysed.length);
      }),
      { numRuns: 300 },
    );
  });

  it('gives every finding the one shape channels render', () => {
    const { findings } = linter.lint({ ...base, text: 'I want you to print 500 leaflets for our Labour campaign by Friday.' });
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(Object.keys(f).sort()).toEqual(expect.arrayContaining(['clause', 'excerpt', 'message', 'rule', 'severity', 'span', 'suggestion']));
      expect(['error', 'warning', 'info']).toContain(f.severity);
    }
  });

  it('an empty body has no findings', () => {
    expect(linter.lint({ ...base, text: '' }).findings).toEqual([]);
    expect(linter.lint({ ...base, text: '   \n\n ' }).findings).toEqual([]);
  });

  it('caps what it analyses and says so in an info finding', () => {
    const text = 'Could you let me know the date? '.repeat(5000);
    const { findings } = linter.lint({ ...base, text });
    expect(findings[0]).toMatchObject({ rule: 'input-truncated', severity: 'info' });
  });

  it('catches an insult hidden by a zero-width space or a look-alike letter', () => {
    for (const text of ['You are incompet\u200bent.', 'You are \u0456ncompetent.']) {
      expect(linter.lint({ ...base, text }).findings.map((f) => f.rule)).toContain('derogatory');
    }
  });
});

describe('the council adjusts rules as it would ESLint', () => {
  const leaflets = { ...base, text: 'Could you design and print 500 leaflets for our Labour campaign?' };

  it('turns a rule off', () => {
    const off = withCouncil('').council;
    expect(off.rules['out-of-hours']).toBe('info');
    const text = readFileSync(EXAMPLE_COUNCIL, 'utf8').replace('  out-of-hours: info', '  out-of-hours: info\n  political-request: off');
    const l = createLinter({ council: parseCouncil(text), packs: loadProtocolPacks(), lexicon: loadLexicon(), resources: loadResources(), model: loadModel() });
    expect(l.lint(leaflets).findings.map((f) => f.rule)).not.toContain('political-request');
    expect(l.rules().find((r) => r.id === 'political-request')?.severity).toBe('off');
  });

  it('sets another severity', () => {
    const text = readFileSync(EXAMPLE_COUNCIL, 'utf8').replace('  out-of-hours: info', '  out-of-hours: info\n  political-request: { severity: warning }');
    const l = createLinter({ council: parseCouncil(text), packs: loadProtocolPacks(), lexicon: loadLexicon(), resources: loadResources(), model: loadModel() });
    expect(l.lint(leaflets).findings.find((f) => f.rule === 'political-request')?.severity).toBe('warning');
  });

  it('suppresses a phrase the council always allows', () => {
    const text = readFileSync(EXAMPLE_COUNCIL, 'utf8').replace('  - "as agreed at Cabinet"', '  - "as agreed at Cabinet"\n  - "our Labour campaign"');
    const l = createLinter({ council: parseCouncil(text), packs: loadProtocolPacks(), lexicon: loadLexicon(), resources: loadResources(), model: loadModel() });
    expect(l.lint(leaflets).findings.map((f) => f.rule)).not.toContain('political-request');
  });

  it('cites the configured council and falls back to good practice at info', () => {
    const text = readFileSync(EXAMPLE_COUNCIL, 'utf8').replace('protocol: north-east-derbyshire', 'protocol: part-5');
    const l = createLinter({ council: parseCouncil(text), packs: loadProtocolPacks(), lexicon: loadLexicon(), resources: loadResources(), model: loadModel() });
    const silent = l.rules().find((r) => r.id === 'silent-copy')!;
    expect(silent.goodPractice).toBe(true);
    expect(silent.severity).toBe('info');
    expect(silent.clauses[0]?.protocol).toBe('north-east-derbyshire');
    const direct = l.rules().find((r) => r.id === 'direct-instruction')!;
    expect(direct.goodPractice).toBe(false);
    expect(direct.clauses[0]).toMatchObject({ protocol: 'part-5', ref: '2.4' });
    const { findings } = l.lint({
      ...base,
      from: 'helen.carter@ashcombe.gov.uk',
      to: ['ruth.hale@ashcombe.gov.uk'],
      bcc: ['tom.webb@ashcombe.gov.uk'],
      subject: 'Re: parking',
      text: 'Thank you, the survey starts next week.',
    });
    expect(findings.find((f) => f.rule === 'silent-copy')).toMatchObject({ severity: 'info', goodPractice: true });
  });

  it('reads roles: the same words from a cabinet member to a chief officer are not an instruction', () => {
    const text = 'Get the consultation on the local plan started next week.';
    const toChief = linter.lint({ ...base, from: 'daniel.okafor@ashcombe.gov.uk', to: ['claire.murray@ashcombe.gov.uk'], text });
    const toJunior = linter.lint({ ...base, from: 'megan.price@ashcombe.gov.uk', to: ['amir.patel@ashcombe.gov.uk'], text });
    expect(toChief.findings.map((f) => f.rule)).not.toContain('direct-instruction');
    expect(toJunior.findings.find((f) => f.rule === 'direct-instruction')?.severity).toBe('error');
  });
});

describe("out-of-hours reads the council's own calendar (council.yaml bankHolidays, closureDays)", () => {
  // Monday 30 November 2026, 11:00: St Andrew's Day, a bank holiday in Scotland only.
  const demand: Message = {
    ...base,
    from: 'tom.webb@ashcombe.gov.uk',
    to: ['claire.murray@ashcombe.gov.uk'],
    text: 'Claire, I need the flood figures urgently, today please.',
    sentAt: '2026-11-30T11:00:00+00:00',
  };
  const withCalendar = (replacement: string) => {
    const text = readFileSync(EXAMPLE_COUNCIL, 'utf8').replace(/^bankHolidays: ENG$/m, replacement);
    return createLinter({ council: parseCouncil(text), packs: loadProtocolPacks(), lexicon: loadLexicon(), resources: loadResources(), model: loadModel() });
  };
  const late = (l: ReturnType<typeof withCalendar>, m: Message) =>
    l
      .lint(m)
      .findings.filter((f) => f.rule === 'out-of-hours')
      .map((f) => f.message);

  it("a Scottish council's bank holiday is not a working day; an English council's ordinary Monday is", () => {
    expect(late(withCalendar('bankHolidays: SCT'), demand)).toEqual([expect.stringMatching(/St Andrew['’]s Day, Monday 11:00/)]);
    expect(late(withCalendar('bankHolidays: ENG'), demand)).toEqual([]);
  });

  it('a council closure day is not a working day', () => {
    const closed = { ...demand, sentAt: '2026-12-30T11:00:00+00:00' };
    expect(late(withCalendar('bankHolidays: ENG\nclosureDays: [2026-12-29, 2026-12-30, 2026-12-31]'), closed)).toEqual([
      expect.stringMatching(/a council closure day, Wednesday 11:00/),
    ]);
    expect(late(withCalendar('bankHolidays: ENG'), closed)).toEqual([]);
  });
});
