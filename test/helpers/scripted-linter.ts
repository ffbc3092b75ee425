/**
 * A linter whose findings a test writes: each message's text names its findings' confidences ("[conf 0.79]"), so a
 * channel can be shown applying its threshold without depending on what the real engine (or its learned model)
 * says. The council is the example one, with the thresholds given.
 */
import { readFileSync } from 'node:fs';
import { parseCouncil, type Council, type ConfidenceStage } from '../../src/directory/council.js';
import type { Linter } from '../../src/lint/engine.js';
import type { Finding } from '../../src/lint/types.js';

export const THRESHOLDS: Record<ConfidenceStage, number> = { 'post-send': 0.8, 'pre-send': 0.5, audit: 0 };

export function exampleCouncil(confidence: Record<ConfidenceStage, number> = THRESHOLDS): Council {
  const council = parseCouncil(readFileSync('examples/council.yaml', 'utf8'), 'examples/council.yaml');
  return { ...council, confidence: { ...confidence } };
}

export function scriptedFinding(confidence: number, overrides: Partial<Finding> = {}): Finding {
  return {
    rule: 'direct-instruction',
    messageId: 'junior',
    severity: 'error',
    message: `This reads as an instruction to a junior officer (scripted at ${confidence}).`,
    span: { start: 0, end: 4, line: 1, column: 1 },
    excerpt: 'Send me the figures',
    clause: { protocol: 'north-east-derbyshire', title: 'Protocol for Councillor – Officer relations', ref: '2.1', quote: 'must not be asked by Members' },
    suggestion: 'Ask rather than tell.',
    confidence,
    ...overrides,
  };
}

/** "[conf 0.79]" anywhere in the text → one finding at 0.79; several tags, several findings; none, none. */
export function scriptedLinter(council: Council = exampleCouncil()): Linter {
  return {
    council,
    rules: () => [],
    lint(message) {
      const findings = [...message.text.matchAll(/\[conf (\d(?:\.\d+)?)\]/g)].map((m) => scriptedFinding(Number(m[1])));
      return { ...(message.id ? { id: message.id } : {}), findings };
    },
  };
}
