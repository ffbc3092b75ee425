/**
 * A finding's confidence: a logistic regression over what the rule saw and the frame around it, calibrated with
 * Platt scaling on predictions for messages the model was not trained on (scripts/train.ts; the weights are reviewed
 * data in lexicons/models/confidence.json with a manifest of what they were trained on).
 *
 * Features are named strings so the weights can be read: `rule=derogatory`, `derogatory:msg=insult`,
 * `derogatory:mood=question`, `derogatory:ev.score` (a number), `sender=officer`… One model serves every rule: a rule
 * with few examples leans on the shared features (mood, who writes to whom), a rule with many learns its own.
 */
import type { RuleContext, RawReport } from './context.js';

export interface ConfidenceModel {
  /** Feature name → weight. */
  weights: Record<string, number>;
  /** Platt scaling of the raw score: p = 1 / (1 + exp(-(a * raw + b))). */
  platt: { a: number; b: number };
}

export type Features = Map<string, number>;

/** What the engine knows about a report when it becomes a finding, as features. */
export function featuresOf(report: RawReport, ctx: RuleContext, reportsInMessage: number): Features {
  const f: Features = new Map();
  const rule = report.rule;
  const add = (name: string, value = 1) => {
    if (value !== 0 && Number.isFinite(value)) f.set(name, (f.get(name) ?? 0) + value);
  };
  const both = (name: string, value = 1) => {
    add(name, value);
    add(`${rule}:${name}`, value);
  };
  add('bias');
  add(`rule=${rule}`);
  add(`${rule}:msg=${report.messageId}`);
  if (report.weak) both('weak');
  if (report.severity) add(`${rule}:severity=${report.severity}`);
  if (report.inSubject) both('in-subject');
  // Which term list entry the rule matched, when it matched one: the model learns how reliable each entry is
  // (some words are right nearly every time they fire, some seldom). An entry is named by its first phrase.
  const at = report.at as { entry?: { category: string; phrases: string[] } };
  if (at.entry) add(`${rule}:entry=${at.entry.category}/${at.entry.phrases[0]}`);
  const s = report.sentence;
  if (s) {
    both(`mood=${s.mood}`);
    both('log-words', Math.log1p(s.tokens.length));
    if (s.question) both('question-mark');
    const words = new Set(s.tokens.map((t) => t.word));
    if (words.has('you') || words.has('your')) both('second-person');
    if (words.has('i') || words.has('we') || words.has('my') || words.has('our')) both('first-person');
    if (words.has('please') || words.has('thanks') || words.has('thank')) both('polite');
    both('abuse', s.abuse);
  }
  both(`sender=${ctx.senderRole}`);
  const officers = ctx.officers(['to', 'cc']);
  const members = ctx.members(['to', 'cc']);
  if (officers.some((o) => o.grade === 'junior')) both('to-junior');
  if (officers.some((o) => o.grade === 'chief')) both('to-chief');
  if (officers.length > 0) add('to-officer');
  if (members.length > 0) add('to-member');
  if (ctx.recipients.some((r) => !r.person)) add('to-external');
  if (ctx.sender?.cabinet) both('cabinet-sender');
  both(`channel=${ctx.message.channel}`);
  both('other-findings', Math.min(3, reportsInMessage - 1));
  both('log-message-sentences', Math.log1p(ctx.sentences.length));
  for (const [key, value] of Object.entries(report.evidence ?? {})) {
    if (typeof value === 'number') add(`${rule}:ev.${key}`, value);
    else if (typeof value === 'boolean') add(`${rule}:ev.${key}`, value ? 1 : 0);
    else add(`${rule}:ev.${key}=${value}`);
  }
  return f;
}

export function rawScore(model: ConfidenceModel, features: Features): number {
  let z = 0;
  for (const [name, value] of features) z += (model.weights[name] ?? 0) * value;
  return z;
}

export function confidenceOf(model: ConfidenceModel, features: Features): number {
  const p = 1 / (1 + Math.exp(-(model.platt.a * rawScore(model, features) + model.platt.b)));
  return Math.round(p * 100) / 100;
}
