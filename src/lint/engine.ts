/** The engine's public face. (Being written: the real pipeline lands in this file.) */
import type { Council } from '../directory/council.js';
import type { ProtocolPack } from '../directory/protocol-pack.js';
import type { RuleId } from './rule-ids.js';
import type { ClauseCitation, LintResult, Message, Severity } from './types.js';

export interface RuleInfo {
  id: RuleId;
  /** Effective severity for this council ('off' when the council turned it off). */
  severity: Severity | 'off';
  description: string;
  clauses: ClauseCitation[];
  goodPractice: boolean;
  suggestion: string;
}

export interface Linter {
  readonly council: Council;
  lint(message: Message): LintResult;
  rules(): RuleInfo[];
}

export interface LinterData {
  council: Council;
  packs: ReadonlyMap<string, ProtocolPack>;
}

export function createLinter(data: LinterData): Linter {
  return {
    council: data.council,
    lint: (message) => ({ id: message.id, findings: [] }),
    rules: () => [],
  };
}
