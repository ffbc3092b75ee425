/**
 * The reader: a learned second opinion that reads each sentence as a whole. The rules find what their words and
 * frames describe; many breaches are written in words no list holds ("you know how those communities stick
 * together", "could you make sure the report doesn't go there"). For each rule whose breach lives in the wording,
 * the reader holds one linear model over a sentence's features: its word stems and stem pairs (with people, groups,
 * wards and numbers replaced by what they are, so no name is learned), the lexicon categories Probity's own term
 * lists find in it, how much it reads like abuse, and its mood. A message's score for a rule is its best sentence's;
 * the sentence is where the finding points.
 *
 * The weights are learned (scripts/train-reader.ts, multiple-instance logistic regression: a message labelled with a
 * rule needs only one sentence that shows it) and calibrated on messages they were not fitted on, so a score is a
 * probability. They live in lexicons/models/reader.json with a manifest of the data they came from.
 *
 * Who writes to whom is Probity's own knowledge, not learned: each rule reads only the messages it concerns (a
 * councillor writing to an officer, an officer writing to a member), as the rule itself does.
 */
import type { Mood } from '../nlp/mood.js';
import type { RuleContext, SentenceView } from './context.js';

export interface ReaderRuleModel {
  weights: Record<string, number>;
  bias: number;
  /** p = 1 / (1 + exp(-(a * score + b))), fitted on out-of-fold scores. */
  platt: { a: number; b: number };
}

export interface ReaderModel {
  rules: Record<string, ReaderRuleModel>;
}

export const EMPTY_READER: ReaderModel = { rules: {} };

/** The messages each rule concerns: the same sender/recipient conditions the rules apply. */
const CONCERNS: Record<string, (ctx: RuleContext) => boolean> = {
  derogatory: () => true,
  discrimination: () => true,
  // A cabinet member writing only to chief officers passes on decisions (the protocols' exception), as in the rule.
  'direct-instruction': (ctx) =>
    ctx.senderRole === 'councillor' &&
    ctx.officers(['to', 'cc']).length > 0 &&
    !(ctx.sender?.cabinet && ctx.officers(['to', 'cc']).every((o) => o.grade === 'chief')),
  'political-request': (ctx) => ctx.senderRole !== 'officer' && ctx.officers(['to', 'cc']).length > 0,
  'report-interference': (ctx) => ctx.senderRole === 'councillor' && ctx.officers(['to', 'cc']).length > 0,
  'undue-pressure': (ctx) => ctx.senderRole !== 'officer' && ctx.officers(['to', 'cc']).length > 0,
  'group-decision': (ctx) => ctx.senderRole === 'councillor' && ctx.officers(['to', 'cc']).length > 0,
  familiarity: (ctx) => (ctx.senderRole === 'councillor' ? ctx.officers().length > 0 : ctx.senderRole === 'officer' && ctx.members().length > 0),
  'group-confidentiality': (ctx) =>
    ctx.senderRole === 'officer' ? ctx.members().length > 0 : ctx.senderRole === 'councillor' && ctx.officers(['to', 'cc']).length > 0,
  'personal-matter': (ctx) => ctx.senderRole === 'officer' && ctx.members(['to', 'cc']).length > 0,
};

export const READ_RULES = Object.keys(CONCERNS);

export function concerns(rule: string, ctx: RuleContext): boolean {
  return CONCERNS[rule]?.(ctx) ?? false;
}

const NEGATORS = new Set(['not', 'no', 'never', 'nobody', 'nothing', 'neither', 'nor', 'without']);
const NEGATED_WORDS = 4;

/** Categories whose words stand for who or what a sentence names; the word itself is replaced by the category. */
const MASKED: Record<string, string> = { 'person-name': '<name>', 'group-name': '<group>', 'ward-name': '<ward>', party: '<party>' };

/**
 * Where a sentence's features go. Building them names each in full (`w:report`, `b:the_report`, `cat:threat/violence`)
 * for training and for a finding's reasons; scoring looks each up by its parts, so that reading a sentence builds no
 * names. Both walk the sentence in the one order below, which is the order a score adds the weights in.
 */
interface FeatureSink {
  /** `w:<word>`. */
  word(word: string): void;
  /** `b:<a>_<b>`: two words in a row. */
  pair(a: string, b: string): void;
  /** `first:<word>`. */
  first(word: string): void;
  /** `<prefix>:<category>`, or `<prefix>:<category>/<kind>` when a kind is given. */
  category(prefix: CategoryPrefix, category: string, kind?: string): void;
  /** Any other feature, by its full name. */
  named(name: string, value: number): void;
}

type CategoryPrefix = 'cat' | 'neg' | 'near';

const MOOD_FEATURE: Record<Mood, string> = {
  instruction: 'mood:instruction',
  request: 'mood:request',
  'info-request': 'mood:info-request',
  question: 'mood:question',
  statement: 'mood:statement',
};

/**
 * A sentence's features: named strings with values (1 for presence). Message-wide facts (who writes to whom) are
 * features of every sentence, so the same words can weigh differently from a councillor to a junior officer.
 */
/** `at` is the sentence's index in `ctx.sentences` (looked up when not given). */
export function sentenceFeatures(s: SentenceView, ctx: RuleContext, at = ctx.sentences.indexOf(s)): Map<string, number> {
  const f = new Map<string, number>();
  visitFeatures(s, ctx, at, {
    word: (w) => f.set(`w:${w}`, 1),
    pair: (a, b) => f.set(`b:${a}_${b}`, 1),
    first: (w) => f.set(`first:${w}`, 1),
    category: (prefix, category, kind) => f.set(kind === undefined ? `${prefix}:${category}` : `${prefix}:${category}/${kind}`, 1),
    named: (name, value) => f.set(name, value),
  });
  return f;
}

function visitFeatures(s: SentenceView, ctx: RuleContext, at: number, sink: FeatureSink): void {
  const words: string[] = s.tokens.map((t) => (/^\d/.test(t.word) ? '<num>' : t.stem));
  for (const h of s.hits) {
    const mask = MASKED[h.category] ?? (h.entry.kind === 'name' ? '<party>' : undefined);
    if (mask) for (let i = h.from; i < h.to; i++) words[i] = i === h.from ? mask : '';
  }
  // Words a negator governs are other words: "can't tell you what was discussed" is not "tell you what was discussed".
  // The scope runs from the negator to the next punctuation, at most NEGATED_WORDS words (Das & Chen's marking).
  let scope = 0;
  for (let i = 0; i < words.length; i++) {
    if (words[i] === '') continue;
    const between = i > 0 ? s.text.slice(s.tokens[i - 1]!.end - s.start, s.tokens[i]!.start - s.start) : '';
    if (/[,.;:!?()]/.test(between)) scope = 0;
    if (NEGATORS.has(s.tokens[i]!.word)) {
      scope = NEGATED_WORDS;
      continue;
    }
    if (scope > 0) {
      words[i] = `not_${words[i]}`;
      scope--;
    }
  }
  // A refused telling governs all it would have told: in "I can't tell you what the Labour group discussed", what the
  // group discussed is refused, to the end of the clause, as the group-confidentiality rule reads it.
  const refused = refusedSpan(s);
  if (refused) for (let i = refused.from; i < refused.to; i++) if (words[i] && !words[i]!.startsWith('not_')) words[i] = `not_${words[i]}`;
  const seq = words.filter((w) => w !== '');
  for (const w of seq) sink.word(w);
  for (let i = 1; i < seq.length; i++) sink.pair(seq[i - 1]!, seq[i]!);
  if (seq.length > 0) sink.first(seq[0]!);
  let protectedGroup = false;
  for (const h of s.hits) {
    if (MASKED[h.category] || h.category === 'negator') continue;
    if (s.isNegated(h) || (refused && h.from >= refused.from && h.from < refused.to)) {
      sink.category('neg', h.category);
      continue;
    }
    sink.category('cat', h.category);
    if (h.category === 'protected-group') protectedGroup = true;
    if (h.entry.kind) sink.category('cat', h.category, h.entry.kind);
  }
  // Valence (lexicons/resources/valence.json: AFINN-165 and VADER scaled to -1..1 and averaged, gaps filled from
  // WordNet): how negative and how positive the sentence's words are, read through the negation marking above, so the
  // weights can use judgements no term list names ("more trouble than they're worth").
  let negative = 0;
  const valence = ctx.resources?.valence;
  if (valence) {
    let positive = 0;
    s.tokens.forEach((t, i) => {
      const v = valence.get(t.word);
      if (v === undefined || words[i] === '') return;
      const x = words[i]!.startsWith('not_') ? -v : v;
      if (x < 0) negative -= x;
      else positive += x;
    });
    if (negative > 0) sink.named('valence-neg', Math.min(negative, 10) / 5);
    if (positive > 0) sink.named('valence-pos', Math.min(positive, 10) / 5);
  }
  // What the sentences either side are about: a remark often names people in one sentence and judges them in the next
  // ("I gather he's a Sikh - the turban and the beard. Is that really hygienic?").
  for (const j of [at - 1, at + 1]) {
    const next = at < 0 ? undefined : ctx.sentences[j];
    for (const h of next?.hits ?? [])
      if (!MASKED[h.category] && h.category !== 'negator' && !next!.isNegated(h)) {
        sink.category('near', h.category);
        if (h.category === 'protected-group') protectedGroup = true;
      }
  }
  // The one conjunction a linear model cannot make by itself and the discrimination rule turns on: people named by a
  // protected characteristic, here or next door, in a sentence that judges someone or reads as abuse. (Not any negative
  // word: "support abused refugees" is sympathy.)
  if (protectedGroup && (s.judgements.length > 0 || s.abuse >= 0.5)) sink.named('protected-group×judged', 1);
  sink.named(MOOD_FEATURE[s.mood], 1);
  if (s.judgements.length > 0) sink.named('judged', 1);
  sink.named('abuse', s.abuse);
  if (/\?\s*$/.test(s.text)) sink.named('question-mark', 1);
  sink.named('log-words', Math.log1p(s.tokens.length));
  for (const r of roleFeatures(ctx)) sink.named(r, 1);
}

/** Token span from a negated verb of telling to the end of its clause (the next , ; : . ! ? or bracket), if any. */
function refusedSpan(s: SentenceView): { from: number; to: number } | undefined {
  const telling = s.hits.find((h) => h.category === 'disclosure' && s.isNegated(h));
  if (!telling) return undefined;
  let to = telling.to;
  while (to < s.tokens.length && !/[,.;:!?()]/.test(s.text.slice(s.tokens[to - 1]!.end - s.start, s.tokens[to]!.start - s.start))) to++;
  return { from: telling.to, to };
}

const ROLES = new WeakMap<RuleContext, string[]>();

function roleFeatures(ctx: RuleContext): string[] {
  let r = ROLES.get(ctx);
  if (!r) {
    const officers = ctx.officers(['to', 'cc']);
    r = [`sender:${ctx.senderRole}`, `channel:${ctx.message.channel}`];
    if (ctx.sender?.cabinet) r.push('sender:cabinet');
    if (officers.some((o) => o.grade === 'junior')) r.push('to:junior');
    if (officers.some((o) => o.grade === 'chief')) r.push('to:chief');
    if (ctx.members(['to', 'cc']).length > 0) r.push('to:member');
    if (ctx.recipients.some((p) => !p.person)) r.push('to:external');
    ROLES.set(ctx, r);
  }
  return r;
}

export function probability(model: ReaderRuleModel, z: number): number {
  return 1 / (1 + Math.exp(-(model.platt.a * z + model.platt.b)));
}

export interface Reading {
  rule: string;
  sentence: SentenceView;
  /** Calibrated probability that the message breaches the rule, from its best sentence. */
  p: number;
  /** The same without the feature that weighed most: one word alone must not decide. */
  pWithoutStrongest: number;
  /** The features that weighed most for it, for explain(). */
  reasons: string[];
}

/**
 * The model's weights compiled once: each feature's weights for every rule, side by side, by full name and by the
 * parts scoring looks them up by (a two-part name under every way of splitting it, so a pair of words finds exactly
 * the weights its joined name would).
 */
interface Compiled {
  rules: string[];
  biases: Float64Array;
  weights: Map<string, Float64Array>;
  words: Map<string, Float64Array>;
  firsts: Map<string, Float64Array>;
  pairs: Map<string, Map<string, Float64Array>>;
  categories: Record<CategoryPrefix, Map<string, Float64Array>>;
  kinds: Map<string, Map<string, Float64Array>>;
}
const COMPILED = new WeakMap<ReaderModel, Compiled>();

function compile(model: ReaderModel): Compiled {
  let c = COMPILED.get(model);
  if (!c) {
    const rules = Object.keys(model.rules);
    const weights = new Map<string, Float64Array>();
    rules.forEach((rule, r) => {
      for (const [k, w] of Object.entries(model.rules[rule]!.weights)) {
        let v = weights.get(k);
        if (!v) weights.set(k, (v = new Float64Array(rules.length)));
        v[r] = w;
      }
    });
    c = {
      rules,
      biases: Float64Array.from(rules, (rule) => model.rules[rule]!.bias),
      weights,
      words: new Map(),
      firsts: new Map(),
      pairs: new Map(),
      categories: { cat: new Map(), neg: new Map(), near: new Map() },
      kinds: new Map(),
    };
    for (const [name, v] of weights) {
      const colon = name.indexOf(':');
      const [prefix, rest] = [name.slice(0, colon), name.slice(colon + 1)];
      if (prefix === 'w') c.words.set(rest, v);
      else if (prefix === 'first') c.firsts.set(rest, v);
      else if (prefix === 'b') addSplits(c.pairs, rest, '_', v);
      else if (prefix === 'cat' && rest.includes('/')) addSplits(c.kinds, rest, '/', v);
      else if (prefix === 'cat' || prefix === 'neg' || prefix === 'near') c.categories[prefix].set(rest, v);
    }
    COMPILED.set(model, c);
  }
  return c;
}

function addSplits(index: Map<string, Map<string, Float64Array>>, name: string, separator: string, v: Float64Array): void {
  for (let at = name.indexOf(separator); at >= 0; at = name.indexOf(separator, at + 1)) {
    const [a, b] = [name.slice(0, at), name.slice(at + separator.length)];
    let inner = index.get(a);
    if (!inner) index.set(a, (inner = new Map()));
    inner.set(b, v);
  }
}

/**
 * Adds a sentence's weights to `z` (which holds the biases), each feature once and in the order building its
 * features would, so the sums are the very numbers a score over `sentenceFeatures` gives.
 */
function scoreInto(c: Compiled, s: SentenceView, ctx: RuleContext, at: number, z: Float64Array): void {
  const seen = new Set<Float64Array>();
  const add = (w: Float64Array | undefined, value: number) => {
    if (!w || seen.has(w)) return;
    seen.add(w);
    for (let r = 0; r < z.length; r++) z[r] = z[r]! + w[r]! * value;
  };
  visitFeatures(s, ctx, at, {
    word: (w) => add(c.words.get(w), 1),
    pair: (a, b) => add(c.pairs.get(a)?.get(b), 1),
    first: (w) => add(c.firsts.get(w), 1),
    category: (prefix, category, kind) => add(kind === undefined ? c.categories[prefix].get(category) : c.kinds.get(category)?.get(kind), 1),
    named: (name, value) => add(c.weights.get(name), value),
  });
}

/**
 * The reader's view of one message: for each rule it reads and the message concerns, its best sentence, when that
 * sentence reaches `floor`. Each sentence is scored for every rule in one pass; only a best sentence's features are
 * named, for the reasons.
 */
export function read(model: ReaderModel, ctx: RuleContext, rules: Iterable<string>, floor = 0): Reading[] {
  const c = compile(model);
  const { rules: all, weights } = c;
  const wanted = new Set([...rules].filter((rule) => model.rules[rule] && concerns(rule, ctx)));
  if (wanted.size === 0) return [];
  const index = all.map((rule) => wanted.has(rule));
  const best: ({ s: SentenceView; at: number; z: number } | undefined)[] = all.map(() => undefined);
  const z = new Float64Array(all.length);
  for (const [at, s] of ctx.sentences.entries()) {
    if (s.tokens.length < 2) continue;
    z.set(c.biases);
    scoreInto(c, s, ctx, at, z);
    for (let r = 0; r < all.length; r++) if (index[r] && (!best[r] || z[r]! > best[r]!.z)) best[r] = { s, at, z: z[r]! };
  }
  const out: Reading[] = [];
  all.forEach((rule, r) => {
    const b = best[r];
    if (!b) return;
    const m = model.rules[rule]!;
    const p = probability(m, b.z);
    if (p < floor) return;
    const contributions = [...sentenceFeatures(b.s, ctx, b.at)].map(([k, v]) => [k, (weights.get(k)?.[r] ?? 0) * v] as const);
    const strongest = Math.max(0, ...contributions.map(([, w]) => w));
    const reasons = contributions
      .filter(([, w]) => w > 0)
      .sort((x, y) => y[1] - x[1])
      .map(([k]) => describe(k, b.s))
      .filter((d, i, list): d is string => d !== undefined && list.indexOf(d) === i)
      .slice(0, 4);
    out.push({ rule, sentence: b.s, p, pWithoutStrongest: probability(m, b.z - strongest), reasons });
  });
  return out;
}

const SAID: Record<string, string> = {
  abuse: 'words that read as abuse',
  judged: 'a judgement of a person',
  'question-mark': 'a question',
  'sender:councillor': 'from a councillor',
  'sender:officer': 'from an officer',
  'sender:cabinet': 'from a cabinet member',
  'to:junior': 'to a junior officer',
  'to:chief': 'to a chief officer',
  'to:member': 'to a councillor',
  'mood:instruction': 'an instruction',
  'mood:request': 'a request',
  'mood:info-request': 'a request for information',
  'mood:question': 'a question',
};

/** A feature in words a reader of the warning understands: the words of the sentence it stands for. */
function describe(feature: string, s: SentenceView): string | undefined {
  if (SAID[feature]) return SAID[feature];
  const [kind, rest] = [feature.slice(0, feature.indexOf(':')), feature.slice(feature.indexOf(':') + 1)];
  const surface = (stem: string) => {
    const t = s.tokens.find((t) => t.stem === stem || t.word === stem);
    return t ? s.text.slice(t.start - s.start, t.end - s.start) : undefined;
  };
  if (kind === 'w' || kind === 'first') {
    const w = surface(rest);
    return w ? `"${w}"` : undefined;
  }
  if (kind === 'b') {
    const i = s.tokens.findIndex((t, j) => `${t.stem}_${s.tokens[j + 1]?.stem}` === rest);
    return i >= 0 ? `"${s.text.slice(s.tokens[i]!.start - s.start, s.tokens[i + 1]!.end - s.start)}"` : undefined;
  }
  if (kind === 'cat') {
    const [category, entryKind] = rest.split('/');
    const h = s.hits.find((h) => h.category === category && (entryKind === undefined || h.entry.kind === entryKind));
    return h ? `"${h.text}"` : undefined;
  }
  return undefined;
}
