/** council.yaml: validated, with errors that name the field and its line, never a stack trace. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CouncilConfigError, parseCouncil, resolve } from '../src/directory/council.js';
import { EXAMPLE_COUNCIL } from '../src/lint/load.js';

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
      expect((e as Error).message).toMatch(/line 6: people\.0\.role/);
    }
  });

  it('reports YAML syntax errors, unknown keys, unknown groups, rules and duplicate addresses', () => {
    expect(() => parseCouncil('council: [', 'c.yaml')).toThrow(/c\.yaml: line 1/);
    expect(() => parseCouncil('council: X\nprotocol: kirklees\ncolour: red\n')).toThrow(/colour|Unrecognized/i);
    expect(() => parseCouncil('council: X\nprotocol: kirklees\npeople:\n  - { id: a, name: A, role: councillor, group: nope }\n')).toThrow(/unknown group "nope"/);
    expect(() => parseCouncil('council: X\nprotocol: kirklees\nrules:\n  no-such-rule: off\n')).toThrow(/rules\.no-such-rule: unknown rule/);
    expect(() => parseCouncil('council: X\nprotocol: kirklees\npeople:\n  - { id: a, name: A, role: officer, email: x@y.uk }\n  - { id: b, name: B, role: officer, email: X@y.uk }\n')).toThrow(/also used by a/);
  });
});
