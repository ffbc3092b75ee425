/** council.yaml: validated, with errors that name the field and its line, never a stack trace. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CouncilConfigError, DEFAULT_EVENTS_RETENTION_MS, DEFAULT_FINDINGS_RETENTION_MS, parseCouncil, resolve } from '../src/directory/council.js';
import { EXAMPLE_COUNCIL } from '../src/lint/load.js';
import { RULE_IDS } from '../src/directory/rule-ids.js';

describe('council.yaml', () => {
  it('loads the example council and resolves people by email (any case, display name) and Slack id', () => {
    const c = parseCouncil(readFileSync(EXAMPLE_COUNCIL, 'utf8'));
    expect(resolve(c, 'Ruth Hale <RUTH.HALE@ashcombe.gov.uk>')?.id).toBe('cllr-hale');
    expect(resolve(c, 'U0PATEL')?.grade).toBe('junior');
    expect(resolve(c, 'someone@gmail.com')).toBeUndefined();
  });

  it('names the field and line of a bad value', () => {
    const bad = 'council: X\nprotocol: kirklees\npeople:\n  - id: a\n    name: A\n    role: boss\n';
    try {
      parseCouncil(bad, 'council.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CouncilConfigError);
      // The person by id, not by place in the list.
      expect((e as Error).message).toBe('council.yaml: line 6: people.a.role: must be one of councillor, officer (got "boss")');
    }
  });

  it('reports YAML syntax errors, unknown keys, unknown groups, rules and duplicate addresses', () => {
    expect(() => parseCouncil('council: [', 'c.yaml')).toThrow(/c\.yaml: line 1/);
    expect(() => parseCouncil('council: X\nprotocol: kirklees\ncolour: red\n')).toThrow(/colour|Unrecognized/i);
    expect(() => parseCouncil('council: X\nprotocol: kirklees\npeople:\n  - { id: a, name: A, role: councillor, group: nope }\n')).toThrow(
      /unknown group "nope"/,
    );
    expect(() => parseCouncil('council: X\nprotocol: kirklees\nrules:\n  no-such-rule: off\n')).toThrow(/rules\.no-such-rule: unknown rule/);
    expect(() =>
      parseCouncil(
        'council: X\nprotocol: kirklees\npeople:\n  - { id: a, name: A, role: officer, email: x@y.uk }\n  - { id: b, name: B, role: officer, email: X@y.uk }\n',
      ),
    ).toThrow(/also used by a/);
  });

  describe('every error names its line', () => {
    const problem = (yaml: string): string => {
      try {
        parseCouncil(yaml, 'c.yaml');
      } catch (e) {
        expect(e).toBeInstanceOf(CouncilConfigError);
        return (e as Error).message;
      }
      return expect.unreachable('parsed');
    };
    const head = 'council: X\nprotocol: kirklees\n';

    it.each([
      ['a line indented too far', `${head}  bad: x\n`, /^c\.yaml: line 3: indented further than it should be/],
      ['a line indented too far inside a section', `${head}rules:\n  familiarity: off\n   derogatory: info\n`, /^c\.yaml: line 5: indented further/],
      ['a key without its colon', `${head}rules\n  familiarity: off\n`, /^c\.yaml: line 3: "rules" needs a colon after it \(or line 4 is indented too far\)$/],
      ['an unclosed "["', `${head}allow: ["as agreed", at Cabinet\nwords: {}\n`, /^c\.yaml: line 3: the "\[" that starts here is never closed with "\]"$/],
      ['an unclosed quote', `${head}allow:\n  - "as agreed\n  - at Cabinet\n`, /^c\.yaml: line 4: a quoted string that starts here is never closed$/],
      ['a key given twice', `${head}protocol: wiltshire\n`, /^c\.yaml: line 3: "protocol" is given twice$/],
      ['a tab as indentation', `${head}rules:\n\tfamiliarity: off\n`, /^c\.yaml: line 4: Tabs are not allowed as indentation$/],
    ])('a YAML syntax error on its own line: %s', (_what, yaml, expected) => {
      expect(problem(yaml)).toMatch(expected);
    });

    it('unknown group, duplicate address and id, unknown designated person, unknown rule: each with its line', () => {
      const yaml = [
        'council: X',
        'protocol: kirklees',
        'groups:',
        '  - { id: lab, name: Labour }',
        'people:',
        '  - { id: a, name: A, role: councillor, group: nope }',
        '  - { id: b, name: B, role: officer, email: x@y.uk }',
        '  - { id: c, name: C, role: officer, email: X@y.uk }',
        '  - { id: c, name: C2, role: officer }',
        'designated:',
        '  authoriser: zed',
        'rules:',
        '  no-such-rule: off',
      ].join('\n');
      expect(problem(yaml).split('; ')).toEqual([
        'c.yaml: line 6: people.a.group: unknown group "nope" (groups: lab)',
        'line 8: people.c: address "X@y.uk" is also used by b',
        'line 9: people: duplicate id "c"',
        'line 11: designated.authoriser: unknown person "zed" (not an id in people)',
        `line 13: rules.no-such-rule: unknown rule (known: ${RULE_IDS.join(', ')})`,
      ]);
    });

    it('a severity typo lists the values allowed, and what it got', () => {
      expect(problem(`${head}rules:\n  familiarity: eror\n`)).toBe(
        'c.yaml: line 4: rules.familiarity: must be one of off, error, warning, info, or { severity: … } (got "eror")',
      );
      expect(problem(`${head}rules:\n  familiarity: { severity: warn }\n`)).toMatch(
        /^c\.yaml: line 4: rules\.familiarity: must be one of off, error, warning, info.*\(got \{"severity":"warn"\}\)$/,
      );
    });

    it('an enum typo lists the values allowed', () => {
      expect(problem('council: X\nprotocol: kirkles\n')).toBe(
        'c.yaml: line 2: protocol: must be one of kirklees, part-5, north-east-derbyshire, north-northamptonshire, wiltshire, model (got "kirkles")',
      );
    });
  });

  describe('retention', () => {
    const base = 'council: X\nprotocol: kirklees\n';
    const DAY = 86_400_000;
    const problem = (yaml: string): string => {
      try {
        parseCouncil(base + yaml, 'council.yaml');
      } catch (e) {
        expect(e).toBeInstanceOf(CouncilConfigError);
        return (e as Error).message;
      }
      return expect.unreachable('parsed');
    };

    it('defaults to 90 days for findings and 365 for events', () => {
      const c = parseCouncil(base);
      expect(c.retention).toEqual({ findings: 90 * DAY, events: 365 * DAY });
      expect(DEFAULT_FINDINGS_RETENTION_MS).toBe(90 * DAY);
      expect(DEFAULT_EVENTS_RETENTION_MS).toBe(365 * DAY);
      // One setting given: the other keeps its default.
      expect(parseCouncil(`${base}retention: { events: 30d }\n`).retention).toEqual({ findings: 90 * DAY, events: 30 * DAY });
    });

    it('reads durations in days, hours, minutes and seconds', () => {
      expect(parseCouncil(`${base}retention:\n  findings: 30d\n  events: 2h\n`).retention).toEqual({ findings: 30 * DAY, events: 2 * 3_600_000 });
      expect(parseCouncil(`${base}retention: { findings: 15m, events: 3s }\n`).retention).toEqual({ findings: 15 * 60_000, events: 3_000 });
      expect(parseCouncil(`${base}retention: { findings: 3650d }\n`).retention.findings).toBe(3650 * DAY);
    });

    it('the example council states its retention', () => {
      expect(readFileSync(EXAMPLE_COUNCIL, 'utf8')).toMatch(/^retention:\n {2}findings: 90d\b.*\n {2}events: 365d\b/m);
      expect(parseCouncil(readFileSync(EXAMPLE_COUNCIL, 'utf8')).retention).toEqual({ findings: 90 * DAY, events: 365 * DAY });
    });

    it.each([
      ['0d', 'zero'],
      ['-1d', 'negative'],
      ['1.5h', 'a fraction'],
      ['90', 'a bare number'],
      ['90 days', 'a word for the unit'],
      ['2w', 'an unknown unit'],
      ['soon', 'garbage'],
      ['', 'empty'],
    ])('rejects %j (%s) naming the field and its line', (value, _what) => {
      const message = problem(`words:\n  parties: []\nretention:\n  findings: 90d\n  events: ${value === '' ? "''" : value}\n`);
      expect(message).toMatch(/^council\.yaml: line 7: retention\.events: must be a whole number above zero with a unit, like 90d/);
    });

    it('rejects a period over ten years, an unknown key and a scalar section', () => {
      expect(problem('retention:\n  findings: 4000d\n')).toMatch(/line 4: retention\.findings: must be at most 3650d \(got 4000d\)/);
      // An unknown key at its own line.
      expect(problem('retention:\n  findings: 90d\n  register: 10d\n')).toBe('council.yaml: line 5: retention.register: unknown key "register"');
      expect(problem('retention: 90d\n')).toMatch(/line 3: retention: .*object/);
    });
  });
});
