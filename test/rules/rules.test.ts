/**
 * Every rule's own valid and invalid examples, run through the whole engine with the example council (the
 * ESLint RuleTester pattern). A rule without examples of both kinds fails here.
 */
import { describe, expect, it } from 'vitest';
import { loadLinter } from '../../src/lint/load.js';
import type { RuleExample } from '../../src/lint/rule.js';
import { RULES } from '../../src/lint/rules/index.js';
import type { Message } from '../../src/lint/types.js';

const linter = loadLinter();
const { council } = linter;

function address(id: string): string {
  const person = council.byId.get(id);
  if (!person?.email) throw new Error(`example names unknown person "${id}"`);
  return person.email;
}

export function toMessage(example: RuleExample): Message {
  return {
    channel: example.channel ?? 'email',
    from: address(example.from),
    to: example.to.map(address),
    cc: (example.cc ?? []).map(address),
    bcc: (example.bcc ?? []).map(address),
    ...(example.subject ? { subject: example.subject } : {}),
    text: example.text,
    ...(example.sentAt ? { sentAt: example.sentAt } : {}),
  };
}

describe.each(RULES.map((r) => [r.meta.id, r] as const))('%s', (id, rule) => {
  it('has valid and invalid examples and a message for each', () => {
    expect(rule.examples.valid.length).toBeGreaterThan(0);
    expect(rule.examples.invalid.length).toBeGreaterThan(0);
    for (const ex of rule.examples.invalid) if (ex.messageId) expect(rule.meta.messages).toHaveProperty(ex.messageId);
  });

  it.each(rule.examples.valid.map((ex) => [ex.text, ex] as const))('valid: %s', (_, ex) => {
    const findings = linter.lint(toMessage(ex)).findings.filter((f) => f.rule === id);
    expect(findings).toEqual([]);
  });

  it.each(rule.examples.invalid.map((ex) => [ex.text, ex] as const))('invalid: %s', (_, ex) => {
    const findings = linter.lint(toMessage(ex)).findings.filter((f) => f.rule === id);
    expect(findings.length).toBeGreaterThan(0);
    const f = findings[0]!;
    if (ex.messageId) expect(f.messageId).toBe(ex.messageId);
    if (ex.messageId) expect(f.message).toBe(expectedMessage(rule.meta.messages[ex.messageId]!, f.message));
    for (const g of findings) expect([...Object.keys(rule.meta.messages), 'reader']).toContain(g.messageId);
    expect(f.span.start).toBeGreaterThanOrEqual(0);
    expect(f.span.end).toBeLessThanOrEqual(ex.text.length + 1);
    expect(f.clause?.quote.length).toBeGreaterThan(10);
  });
});

/** The template with its placeholders matched against the actual message (so the message id is checked). */
function expectedMessage(template: string, actual: string): string {
  const pattern = new RegExp(`^${template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{\\\{\w+\\\}\\\}/g, '.*')}$`);
  return pattern.test(actual) ? actual : template;
}

describe('docs/rules.md', () => {
  it('is current: every rule documented from its own metadata, clauses and examples (npm run docs:rules)', async () => {
    const { readFileSync } = await import('node:fs');
    const { rulesDoc } = await import('../../src/lint/rules-doc.js');
    const { loadProtocolPacks } = await import('../../src/lint/load.js');
    const onDisk = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(rulesDoc(RULES, loadProtocolPacks()));
    for (const rule of RULES) expect(onDisk).toContain(`## \`${rule.meta.id}\``);
  });
});
