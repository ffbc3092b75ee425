/** What a rule is: metadata, examples that are run as tests, and a check over the rule context. */
import type { RuleContext } from './context.js';
import type { RuleId } from '../directory/rule-ids.js';
import type { Channel, Severity } from './types.js';

export interface RuleMeta {
  id: RuleId;
  /** Default severity, before the council's own setting and the good-practice downgrade. */
  severity: Severity;
  description: string;
  /** Finding messages by id; `{{name}}` placeholders are filled from the report's data. */
  messages: Record<string, string>;
  suggestion: string;
  /**
   * A catch-all rule (an instruction in general) gives way when a more specific rule has found something in the
   * same sentence: one clear warning about the leaflets beats two about the same words.
   */
  generic?: boolean;
  /** Rules this one gives way to in a sentence where they found something (a more precise reading of it). */
  yieldsTo?: RuleId[];
}

/** People are named by their id in examples/council.yaml; the rule tests resolve them to addresses. */
export interface RuleExample {
  from: string;
  to: string[];
  cc?: string[];
  bcc?: string[];
  channel?: Channel;
  subject?: string;
  text: string;
  sentAt?: string;
  /** For invalid examples: the message id expected (default: any). */
  messageId?: string;
}

export interface Rule {
  meta: RuleMeta;
  examples: { valid: RuleExample[]; invalid: RuleExample[] };
  check(context: RuleContext): void;
}
