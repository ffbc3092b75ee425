/** The shapes every channel shares: a message in, findings out. */

export type Channel = 'email' | 'slack';
export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/**
 * One message, as any channel hands it to the engine. `from`/`to`… are email addresses or Slack user ids. Defined
 * once, by its schema (message.ts), which also validates the CLI's and the API's input and documents it.
 */
export type { Message } from './message.js';

export interface Span {
  /** Offsets are UTF-16 code units into the analysed text (`NormalisedMessage.text`). */
  start: number;
  end: number;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface ClauseCitation {
  /** Protocol pack id, e.g. `north-east-derbyshire`. */
  protocol: string;
  /** Human title of the protocol the clause comes from. */
  title: string;
  ref: string;
  quote: string;
}

export interface Finding {
  rule: string;
  /**
   * Which of the rule's message templates this is (`meta.messages` in its file; `reader` for the learned reader,
   * `truncated` for the analysis limit): stable across wording changes, as ESLint's messageId.
   */
  messageId: string;
  severity: Severity;
  message: string;
  span: Span;
  excerpt: string;
  clause: ClauseCitation | null;
  /** True when the configured council's protocol does not back the rule: reported as good practice. */
  goodPractice?: boolean;
  suggestion: string;
  /**
   * How sure Probity is that this finding is right, 0–1: a calibrated probability from the rule's learned model
   * (lexicons/models). Channels show it and apply the council's thresholds (council.yaml `confidence`).
   */
  confidence: number;
}

export interface LintResult {
  id?: string;
  findings: Finding[];
}
