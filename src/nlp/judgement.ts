/**
 * The language of judgement, from kept lexical resources rather than phrase lists (lexicons/resources, built by
 * scripts/build-resources.ts): profanity with its sureness (from cuss), leetspeak and look-alike spellings
 * (`obscenity`), masked spellings ("s**t", "b*stards"), how negative a word is (AFINN-165 and VADER, widened through
 * WordNet), and which words are mainly adjectives or verbs (WordNet). Probity's own part is who the judgement is
 * aimed at and what frame carries it:
 *   - a person described: negative words said of a person ("he is cold, arrogant, lazy, pompous…", "you are useless");
 *   - an address that runs into contempt ("you heartless, target-driven bastards");
 *   - the exclamation ("what a vile, disrespectful … you are");
 *   - contempt fixed to a person word ("lazy, overpaid managers");
 *   - name-calling and profanity aimed at a person ("f***ing useless, the lot of you").
 * Feelings and circumstances ("worried", "disabled", "ill") and names ("a Green councillor") are never judgements,
 * however negative their score.
 */
import { createRequire } from 'node:module';
import type * as Obscenity from 'obscenity';
import type { Hit } from '../lexicon/lexicon.js';
import type { Token } from '../lexicon/tokens.js';
import type { WordFamilies } from './families.js';

export interface Resources {
  /** Word → valence in -1..1 (negative is disapproving). */
  valence: ReadonlyMap<string, number>;
  /** Scored words WordNet knows as adjectives. */
  adjectives: ReadonlySet<string>;
  /** Profanity with its sureness (cuss, adjusted: lexicons/resources/profanity.json). */
  profanity: ReadonlyMap<string, 1 | 2>;
  /** Negative words WordNet knows as verbs ("hate", "despise", "ban"). */
  verbs: ReadonlySet<string>;
  /** The abuse score learned from labelled tweets (lexicons/models/abuse.json). */
  abuse: { bias: number; weights: ReadonlyMap<string, number> };
  /** Ordinary English words that are not names (compromise's lexicon less its names): lexicons/resources/common-words.json. */
  common?: ReadonlySet<string>;
  /** Words that mean alike, from GloVe's vectors (lexicons/resources/word-clusters.json): the reader's word families. */
  families?: WordFamilies;
}

/**
 * A judging word's family (lexicons/resources/word-clusters.json), as evidence the confidence model weighs: it learns
 * how often each family's words are right when a rule judges with them ("arrogant", "lazy", "inept" are one family;
 * "difficult", "complex" another), including words no training message used.
 */
export function familyEvidence(word: string | undefined, resources: Resources | undefined): { family?: string } {
  const family = word === undefined ? undefined : resources?.families?.family(word);
  return family === undefined ? {} : { family: String(family) };
}

/**
 * Contempt done to people: a negative verb or adjective just before the words for them ("hates all the …",
 * "deport the …"), never a noun that happens to stand there ("the crisis facing …") nor a feeling or circumstance.
 */
export function contemptBefore(s: Pick<JudgementInput, 'tokens' | 'hits'>, resources: Resources, at: number): { word: string; score: number } | undefined {
  const states = new Set<number>();
  for (const h of s.hits) if (h.category === 'state') for (let i = h.from; i < h.to; i++) states.add(i);
  for (let k = at - 1; k >= Math.max(0, at - 3); k--) {
    const t = s.tokens[k]!;
    if (states.has(k)) return undefined;
    const v = resources.valence.get(t.word) ?? resources.valence.get(t.stem);
    if (v !== undefined && v <= STRONG && (resources.verbs.has(t.word) || resources.verbs.has(t.stem) || resources.adjectives.has(t.word)))
      return { word: t.word, score: v };
    if (!/^(all|the|those|these|of|them|any|more|bloody|our|their|so|many|lot|bunch)$/.test(t.word)) return undefined;
  }
  return undefined;
}

/** How much a run of words reads like abuse (0–1), by the model learned from labelled tweets; each word once. */
export function abuseScore(tokens: readonly Token[], resources: Resources): number {
  let z = resources.abuse.bias;
  // A sentence of a few dozen words finds a word seen before by looking back, which costs less than a set.
  const seen = tokens.length > LOOK_BACK ? new Set<string>() : undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (seen) {
      if (seen.has(t.word)) continue;
      seen.add(t.word);
    } else if (seenBefore(tokens, i)) continue;
    z += said(t, resources).abuse;
  }
  return 1 / (1 + Math.exp(-z));
}

const LOOK_BACK = 64;

function seenBefore(tokens: readonly Token[], i: number): boolean {
  const word = tokens[i]!.word;
  for (let j = 0; j < i; j++) if (tokens[j]!.word === word) return true;
  return false;
}

export type JudgementKind = 'name-calling' | 'described' | 'profanity';

export interface Judgement {
  kind: JudgementKind;
  /** Token range of the judging words (end exclusive). */
  from: number;
  to: number;
  /** The strongest judging word as written (lower case). */
  word: string;
  /** Sum of the judging words' valence (negative), profanity counted as strongly negative. */
  score: number;
  /** How many judging words (a list of contemptuous adjectives is stronger evidence than one). */
  count: number;
  /** The profanity is unambiguous (cuss sureness 2) or masked. */
  profane: boolean;
  /** A second-person address (you, your, yourselves) carries it, rather than a third-person mention. */
  secondPerson: boolean;
  /** Token index of the person (or group) the judgement is said of, when a frame names one. */
  subject?: number;
}

/** What the module needs of a sentence: its tokens, its text, and its lexicon hits (person and state words). */
export interface JudgementInput {
  text: string;
  start: number;
  tokens: Token[];
  hits: Hit[];
  /** A directory name or a word naming a person or team at this token. */
  isPerson(index: number): boolean;
}

/** A word counts as judging when its valence is at least this negative. */
const JUDGING = -0.25;
/** One word this negative, said of a person, is enough ("you are useless"); weaker words need company. */
const STRONG = -0.4;
const LIST_TOTAL = -0.7;
/** Profanity counts as this negative in a score (cuss sureness 2 / 1). */
const PROFANE_SCORE = [0, -0.5, -0.9] as const;
const COPULA = new Set([
  'is',
  'are',
  'was',
  'were',
  'am',
  'be',
  'been',
  'being',
  'seems',
  'seem',
  'seemed',
  'sounds',
  'sound',
  'looks',
  'look',
  'appears',
  'appear',
  'remains',
  'remain',
  'become',
  'becomes',
  'became',
  'acting',
  'behaving',
  'behaved',
  'getting',
  'got',
]);
const SECOND = new Set(['you', 'your', 'yourself', 'yourselves', 'ye', 'ya']);
const DETERMINERS = new Set([
  'a',
  'an',
  'the',
  'those',
  'these',
  'such',
  'absolute',
  'complete',
  'total',
  'utter',
  'bunch',
  'lot',
  'load',
  'pack',
  'shower',
  'of',
]);
/** Words the sentiment lexicons score but which judge nobody: "no officer has…", "I did not know who", "the only person". */
const FUNCTION_WORDS = new Set([
  'no',
  'not',
  'none',
  'nobody',
  'nothing',
  'never',
  'who',
  'what',
  'sorry',
  'please',
  'no-one',
  'without',
  'against',
  'cannot',
  'can',
  'ok',
  'okay',
  'yes',
  'well',
  'like',
  'want',
  'need',
  'hard',
  'miss',
  'missing',
  'low',
  'high',
  'serious',
  'seriously',
  'only',
]);
const INTENSIFIERS = new Set([
  'absolute',
  'absolutely',
  'complete',
  'completely',
  'total',
  'totally',
  'utter',
  'utterly',
  'bloody',
  'little',
  'lot',
  'bunch',
  'pair',
  'load',
  'such',
  'so',
  'really',
  'very',
  'fucking',
  'effing',
  'flipping',
  'bleeding',
  'useless',
  'stupid',
]);
/** Prepositions, conjunctions and determiners: never a word that qualifies a noun ("dangerous for members"). */
const CLOSED_CLASS = new Set([
  'for',
  'from',
  'with',
  'into',
  'onto',
  'about',
  'than',
  'then',
  'and',
  'but',
  'the',
  'all',
  'any',
  'some',
  'before',
  'after',
  'alone',
  'only',
  'more',
  'most',
  'each',
  'other',
  'our',
  'their',
  'your',
  'his',
  'her',
]);
const POINTING = new Set(['that', 'this', 'those', 'these', 'your', 'his', 'her', 'their', 'our', 'my']);
/** Words before an identity word that make it a name thrown at someone: "a", "you". */
const THROWN = new Set(['a', 'an', 'you', 'ye', 'ya']);
const NEGATORS = new Set(['not', 'never', 'no', 'hardly', 'nobody', 'neither', 'nor', 'without']);
/** Where a predicate ends: a new clause. */
const CLAUSE_END = new Set(['but', 'because', 'so', 'when', 'if', 'although', 'though', 'while', 'whereas', 'which', 'that', 'who', 'and']);
const PREDICATE_WINDOW = 10;
const MODALS = /^(will|would|can|could|should|must|may|might|shall|have|has|had|do|does|did|not|never)$/;

/**
 * obscenity (some thirty files) loads, and its matcher (a tenth of a second to build) is built, only when text has
 * leetspeak in it (see disguisedProfanity).
 */
let obscenity: { matcher: Obscenity.RegExpMatcher; dataset: typeof Obscenity.englishDataset } | undefined;
const require = createRequire(import.meta.url);

type Profanity = Resources['profanity'];
const PROFANITY_CACHE_LIMIT = 50_000; // bounded: arbitrary input must not grow memory without limit
/**
 * Per table: the first three letters of its words, and the answers so far. Every form a word is looked up by keeps
 * its first three letters, so a word that opens no listed word (nearly every word) is answered without the cache of
 * every word seen, which is large and slow to probe.
 */
const PROFANITY_CACHE = new WeakMap<Profanity, { openings: Set<string>; answers: Map<string, 0 | 1 | 2> }>();

/** Sureness that a word (or its plural, -ing or -ed form) is profane: 2 = almost always, 1 = often, 0 = no. */
export function profanity(word: string, table: Profanity): 0 | 1 | 2 {
  let cache = PROFANITY_CACHE.get(table);
  if (!cache) {
    const openings = new Set([...table.keys()].filter((w) => w.length >= 3).map((w) => w.slice(0, 3)));
    PROFANITY_CACHE.set(table, (cache = { openings, answers: new Map() }));
  }
  if (!cache.openings.has(word.slice(0, 3))) return 0;
  let v = cache.answers.get(word);
  if (v === undefined) {
    v = lookUpProfanity(word, table);
    if (cache.answers.size >= PROFANITY_CACHE_LIMIT) cache.answers.clear();
    cache.answers.set(word, v);
  }
  return v;
}

function lookUpProfanity(word: string, table: Profanity): 0 | 1 | 2 {
  // The word itself, else a plural or -ing/-ed form of a listed word ("bastards", "fucking"); never by chopping a
  // word that merely ends like one ("assess" is not "asses").
  const forms = [word];
  if (/[^s]s$/.test(word)) forms.push(word.slice(0, -1));
  if (/(ch|sh|x)es$/.test(word)) forms.push(word.slice(0, -2));
  if (/ing$/.test(word)) forms.push(word.slice(0, -3));
  if (/ed$/.test(word)) forms.push(word.slice(0, -2));
  for (const w of forms) {
    const v = table.get(w);
    if (v !== undefined && w.length >= 3) return v;
  }
  return 0;
}

/** A mark or a digit inside a word, or asterisks ending one ("s**t", "b@stards", "sh1t", "f***"). */
const DISGUISE = /\p{L}[*#@$!%0-9|+]+(?:\p{L}|(?<=\*)(?!\p{L}))/u;
/** Leetspeak: a digit or a symbol between letters. */
const LEET = /\p{L}[0-9@$!*#|+]+\p{L}/u;
/** The characters DISGUISE needs one of: a cheap first look, since most sentences have none. */
const MARK_OR_DIGIT = /[*#@$!%0-9|+]/;
const PRONOUN = /^(he|she|they|him|her|them|his|their)$/;

/** Masked spellings: "s**t", "f***ing", "b*stards", "a$$hole" — a profane word of the same shape. */
const MASKED = /(?<![\p{L}\p{N}])([a-z]{1,3})([*#@$!%]{1,4})([a-z]{0,8})(?![\p{L}\p{N}*])/giu;
/** The commonest first, so "s**t" reads as the word people mean rather than a rarer one of the same shape. */
const COMMON = [
  'shit',
  'fuck',
  'fucking',
  'cunt',
  'twat',
  'bastard',
  'bitch',
  'arse',
  'arsehole',
  'asshole',
  'piss',
  'prick',
  'dick',
  'wanker',
  'bollocks',
  'shite',
  'crap',
  'tosser',
  'slag',
];
const PROFANE_WORDS = new WeakMap<Profanity, string[]>();
const MASKED_CACHE = new Map<string, string | undefined>();

function unmask(head: string, mask: string, tail: string, table: Profanity): string | undefined {
  const key = `${head}|${mask.length}|${tail}`;
  if (MASKED_CACHE.has(key)) return MASKED_CACHE.get(key);
  let words = PROFANE_WORDS.get(table);
  if (!words) {
    words = [
      ...COMMON.filter((w) => table.has(w)),
      ...[...table].filter(([w, v]) => v === 2 && /^[a-z]{3,12}$/.test(w) && !COMMON.includes(w)).map(([w]) => w),
    ];
    PROFANE_WORDS.set(table, words);
  }
  const length = head.length + mask.length + tail.length;
  let found: string | undefined;
  for (const w of words) {
    for (const form of [w, `${w}s`, `${w}ing`, `${w}ed`, `${w}er`, `${w}ers`]) {
      if (form.length === length && form.startsWith(head) && form.endsWith(tail)) {
        found = w;
        break;
      }
    }
    if (found) break;
  }
  if (MASKED_CACHE.size >= PROFANITY_CACHE_LIMIT) MASKED_CACHE.clear();
  MASKED_CACHE.set(key, found);
  return found;
}

/** Character spans of profanity that the tokeniser cannot see as words: masked and leetspeak spellings. */
export function disguisedProfanity(text: string, table: Profanity): { start: number; end: number; word: string }[] {
  const out: { start: number; end: number; word: string }[] = [];
  if (!DISGUISE.test(text)) return out; // nothing is disguised without a mark or a digit inside a word
  for (const m of text.matchAll(MASKED)) {
    // A mark at the end of a word is punctuation ("who!"), unless it is the asterisks of a masked ending ("sh**").
    if (m[3] === '' && !/[*#]/.test(m[2]!)) continue;
    const word = unmask(m[1]!.toLowerCase(), m[2]!, m[3]!.toLowerCase(), table);
    if (word) out.push({ start: m.index, end: m.index + m[0].length, word });
  }
  // Leetspeak puts a digit or a symbol inside a word ("b@stards", "sh1t"); only then is obscenity's matcher asked.
  if (LEET.test(text)) {
    if (!obscenity) {
      const { englishDataset, englishRecommendedTransformers, RegExpMatcher } = require('obscenity') as typeof Obscenity;
      obscenity = { matcher: new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers }), dataset: englishDataset };
    }
    for (const match of obscenity.matcher.getAllMatches(text)) {
      const meta = obscenity.dataset.getPayloadWithPhraseMetadata(match).phraseMetadata;
      const word = meta?.originalWord ?? text.slice(match.startIndex, match.endIndex + 1);
      const raw = text.slice(match.startIndex, match.endIndex + 1);
      // Only spellings a word list cannot see; plain words are judged through cuss with their sureness.
      if (/^[a-z]+$/i.test(raw) || out.some((o) => o.start <= match.startIndex && match.startIndex < o.end)) continue;
      out.push({ start: match.startIndex, end: match.endIndex + 1, word: word.toLowerCase() });
    }
  }
  return out;
}

/**
 * Negative valence of a token, or 0; feelings and circumstances (lexicon category `state`) count as 0. Worked out afresh
 * each time a frame asks: what the resources say of a word is noted on the word (see `said`), and keeping a table per
 * sentence cost more than the few comparisons it saved.
 */
function judging(resources: Resources, s: Pick<JudgementInput, 'text' | 'tokens'>, i: number, states: Set<number>): number {
  return states.has(i) ? 0 : judgeToken(resources, s, i);
}

/**
 * A capital inside a sentence makes a name ("a Green councillor", "Darling Lane", "the Grim Reaper pub", "The Crooked
 * Spoon café"), unless the sentence has no lower case to tell capitals by.
 */
export function capitalName(s: Pick<JudgementInput, 'text' | 'tokens'>, i: number): boolean {
  return s.tokens[i]!.capital && i > 0 && /[a-z]/.test(s.text);
}

function judgeToken(resources: Resources, s: Pick<JudgementInput, 'text' | 'tokens'>, i: number): number {
  const t = s.tokens[i]!;
  if (capitalName(s, i)) return 0;
  // "Least" turns a word into its opposite: "the least honest man in the chamber" judges him, "the least disruptive
  // option" praises it ("at least", "at the very least" do neither).
  if (s.tokens[i - 1]?.word === 'least' && !s.tokens.slice(Math.max(0, i - 4), i - 1).some((t) => t.word === 'at')) {
    const v = said(t, resources).valence ?? resources.valence.get(t.stem);
    return v !== undefined && -v <= JUDGING ? -v : 0;
  }
  return said(t, resources).judging;
}

/** What the resources say of one word, asked once per word and noted on it (see Word in lexicon/tokens.ts). */
interface Said {
  /** How sure it is profanity (see `profanity`). */
  profane: 0 | 1 | 2;
  /** How much it judges, whatever its case: profanity scored as such, else its valence (or its stem's) if judging. */
  judging: number;
  /** Its weight in the abuse model (0 for none). */
  abuse: number;
  /** Its own valence (not its stem's), if any. */
  valence: number | undefined;
  /** Its narrow word family (see WordFamilies), -1 for none. */
  family: number;
  /** A word of address ("you", "your") or a third-person pronoun ("he", "their"): a person a frame may judge. */
  person: boolean;
}

export function said(t: Token, resources: Resources): Said {
  const known = t.known.noted<Said>(resources);
  if (known !== undefined) return known;
  const profane = profanity(t.word, resources.profanity);
  const v = resources.valence.get(t.word) ?? resources.valence.get(t.stem);
  return t.known.note<Said>(resources, {
    profane,
    judging: profane > 0 ? PROFANE_SCORE[profane] : FUNCTION_WORDS.has(t.word) ? 0 : v !== undefined && v <= JUDGING ? v : 0,
    abuse: resources.abuse.weights.get(t.word) ?? 0,
    valence: resources.valence.get(t.word),
    family: resources.families?.family(t.word) ?? -1,
    person: SECOND.has(t.word) || PRONOUN.test(t.word),
  });
}

/**
 * No frame can find a judgement in the sentence: no strong swear word, and no person or no word that judges or swears.
 * One pass over the tokens, with what is known of each word noted on it (see `said`); most sentences end here.
 */
function judgesNobody(s: JudgementInput, resources: Resources, states: Set<number>, identities: Set<number>): boolean {
  const tokens = s.tokens;
  let person = false;
  let swears = false;
  for (let i = 0; i < tokens.length; i++) {
    const word = said(tokens[i]!, resources);
    const profane = identities !== NO_TOKENS && identities.has(i) ? 0 : word.profane;
    if (profane === 2) return false;
    if (profane > 0) swears = true;
    person ||= word.person || s.isPerson(i);
  }
  if (!person) return true;
  if (swears) return false;
  for (let i = 0; i < tokens.length; i++) if ((states === NO_TOKENS || !states.has(i)) && judgeToken(resources, s, i) < 0) return false;
  return true;
}

/** "that", "this", "your", "their"… or a possessive ("the council's"): a word pointing at someone in particular. */
function pointsAtSomeone(s: Pick<JudgementInput, 'text' | 'start' | 'tokens'>, at: number): boolean {
  const t = s.tokens[at]!;
  return POINTING.has(t.word) || /['’]s$/i.test(s.text.slice(t.start - s.start, t.end - s.start));
}

/** How sure it is that the token at `i` is profanity (see `said`); 0 for a word for who people are. */
function swearing(tokens: Token[], identities: ReadonlySet<number>, resources: Resources, i: number): 0 | 1 | 2 {
  return identities.has(i) ? 0 : said(tokens[i]!, resources).profane;
}

export function judgementsIn(s: JudgementInput, resources: Resources): Judgement[] {
  const out: Judgement[] = [];
  const tokens = s.tokens;
  let states = NO_TOKENS;
  // Words for who people are, naming people or qualifying a word ("Gypsies and Irish Travellers", "homosexual and
  // bisexual respondents"), are never a judgement or a swear word in themselves, though cuss lists some of them. One
  // thrown at a person ("you're a queer", "you homosexual") is still name-calling.
  let identities = NO_TOKENS;
  for (const h of s.hits) {
    if (h.category === 'state') {
      if (states === NO_TOKENS) states = new Set();
      for (let i = h.from; i < h.to; i++) states.add(i);
      // An adverb of degree before a feeling is part of it: "badly shaken", "terribly worried", "deeply upset" (not an
      // adverb that judges in itself: "pathetically anxious", "stupidly worried").
      if (h.from > 0 && DEGREE.test(tokens[h.from - 1]!.word)) states.add(h.from - 1);
    }
    if (h.category !== 'protected-group' || THROWN.has(tokens[h.from - 1]?.word ?? '')) continue;
    if (states === NO_TOKENS) states = new Set();
    if (identities === NO_TOKENS) identities = new Set();
    for (let i = h.from; i < h.to; i++) {
      states.add(i);
      identities.add(i);
    }
  }
  // Most sentences judge nobody. Every frame needs a judging word and a person, except a strong swear word or a
  // disguised one, which may stand alone ("Bastards!"). Asked before the helpers below are made, which most sentences
  // never need.
  const disguised = MARK_OR_DIGIT.test(s.text) && DISGUISE.test(s.text);
  if (!disguised && judgesNobody(s, resources, states, identities)) return out;
  const swear = (i: number) => swearing(tokens, identities, resources, i);
  const masked = disguisedProfanity(s.text, resources.profanity).map((d) => ({ ...d, token: tokenIndexAt(tokens, s.start + d.start) }));
  const profaneAt = (i: number) => swear(i) === 2 || masked.some((m) => m.token === i);

  let saying = NO_TOKENS;
  for (const h of s.hits)
    if (h.category === 'reported-speech') {
      if (saying === NO_TOKENS) saying = new Set();
      for (let i = h.from; i < h.to; i++) saying.add(i);
    }
  // 1. A person described: "<person> is/are … <negative words>", "you … <negative words>".
  for (let i = 0; i < tokens.length; i++) {
    const w = tokens[i]!.word;
    // "thank you", "see you", "bless you": the address is not the start of a description.
    if (SECOND.has(w) && /^(thank|thanks|see|bless|love|miss|told|tell|asked|ask|let|help|send|update|remind|owe|give|get)$/.test(tokens[i - 1]?.word ?? ''))
      continue;
    const isSubject = SECOND.has(w) || /^(he|she|they|him|her|them|his|their)$/.test(w) || s.isPerson(i);
    // "the planning team are", "Polish workers are": the last person word of a noun phrase is the subject, and the
    // noun phrase opens its clause ("the crisis facing asylum seekers is getting worse" is about the crisis).
    if (!isSubject || (i + 1 < tokens.length && s.isPerson(i + 1) && !SECOND.has(w))) continue;
    // "tell us what they're losing", "what you're missing": the clause is about the thing "what" stands for.
    if (tokens[i - 1]?.word === 'what') continue;
    if (!SECOND.has(w) && !/^(he|she|they)$/.test(w) && !opensClause(s, i)) continue;
    const second = SECOND.has(w);
    let j = i + 1;
    // "he's useless": the tokeniser keeps the pronoun of a contracted "is".
    const contracted = /^(he|she|it|that|who)$/.test(w) && /['’]s$/i.test(s.text.slice(tokens[i]!.start - s.start, tokens[i]!.end - s.start));
    // "you heartless bastards", "you lazy lot": adjectives straight after a second-person address.
    // "you heartless bastards", "you absolute muppet": the address goes straight into contempt.
    // Only "you" itself addresses: "your loss", "yourself" are not an address into contempt.
    const direct =
      (w === 'you' || w === 'ye' || w === 'ya') &&
      j < tokens.length &&
      (judging(resources, s, j, states) < 0 || profaneAt(j) || INTENSIFIERS.has(tokens[j]!.word));
    if (!direct && !contracted) {
      // "the Romanian families on that estate are …": the copula may follow a short noun phrase after the person word.
      let c = j;
      // Only a person noun heads a longer noun phrase; "his house is …" is about the house.
      const pronoun = /^(he|she|they|him|her|them|his|their)$/.test(w);
      while (
        !pronoun &&
        c < Math.min(tokens.length, j + 5) &&
        !COPULA.has(tokens[c]!.word) &&
        // A verb of saying starts another clause: "Claire says the hours were cut…" is about the hours.
        !saying.has(c) &&
        !/^(who|which|because|but|if|when|while|and|or)$/.test(tokens[c]!.word) &&
        !MODALS.test(tokens[c]!.word) &&
        !/[,;:]/.test(s.text.slice(tokens[c - 1]!.end - s.start, tokens[c]!.start - s.start))
      )
        c++;
      if (c >= tokens.length || !COPULA.has(tokens[c]!.word) || (c > j && SECOND.has(w))) continue;
      j = c + 1;
    }
    // A clause that opens after the verb ("members are that the damaged lights…") describes something else, and so
    // does a place or a circumstance ("she was in a terrible state", "they are under pressure").
    if (
      j < tokens.length &&
      /^(that|which|what|whether|if|when|because|to|there|it|this|in|at|on|under|with|without|from|out|into|through|after|before|by|for|about|going|getting|being|having|due)$/.test(
        tokens[j]!.word,
      )
    )
      continue;
    const found = predicate(s, resources, direct ? j : j, states, profaneAt, direct);
    if (found) out.push({ ...found, kind: found.nameCalling ? 'name-calling' : 'described', secondPerson: second, subject: i });
  }

  // 2. The exclamation: "what a vile, disrespectful piece of garbage you are", "such a liar he is".
  for (let i = 0; i + 1 < tokens.length; i++) {
    // "What a …" and "such a …" exclaim; "what the complaints route is" asks.
    if (!/^(what|such)$/.test(tokens[i]!.word) || !/^(a|an)$/.test(tokens[i + 1]!.word)) continue;
    let score = 0;
    let count = 0;
    let k = i + 1;
    let closed = false;
    for (; k < Math.min(tokens.length, i + 9); k++) {
      const v = profaneAt(k) ? PROFANE_SCORE[2] : judging(resources, s, k, states);
      if (v < 0) {
        score += v;
        count++;
      }
      const w = tokens[k]!.word;
      if (
        k + 1 < tokens.length &&
        (SECOND.has(w) || /^(he|she|they)$/.test(w)) &&
        COPULA.has(tokens[k + 1]!.word === 'really' ? (tokens[k + 2]?.word ?? '') : tokens[k + 1]!.word)
      ) {
        closed = true;
        break;
      }
    }
    if (!closed || count === 0 || (score > LIST_TOTAL && score / count > STRONG)) continue;
    out.push({
      kind: 'described',
      from: i + 1,
      to: k,
      word: tokens[i + 1]!.word,
      score,
      count,
      profane: false,
      secondPerson: SECOND.has(tokens[k]!.word),
      subject: k,
    });
  }

  // 3. Contempt before a person word: "incompetent, lazy officers", "the useless idiots in planning".
  for (let i = 1; i < tokens.length; i++) {
    const w = tokens[i]!.word;
    if (!s.isPerson(i) || SECOND.has(w) || /^(he|she|they|him|her|them|his|their|i|we|me|us)$/.test(w)) continue;
    if (out.some((j) => j.subject === i || (i >= j.from && i < j.to))) continue;
    let score = 0;
    let count = 0;
    let worst = 0;
    let from = i;
    for (let k = i - 1; k >= Math.max(0, i - 4); k--) {
      const adjective = resources.adjectives.has(tokens[k]!.word) || profaneAt(k);
      const v = adjective ? (profaneAt(k) ? PROFANE_SCORE[2] : judging(resources, s, k, states)) : 0;
      if (v < 0) {
        score += v;
        count++;
        worst = Math.min(worst, v);
        from = k;
      } else if (
        !/^(and|so|such|really|utterly|totally|completely|absolutely|bloody|little|old|lot|bunch|of|a|an|the|those|these|that|this|your|our)$/.test(
          tokens[k]!.word,
        ) &&
        // One word may qualify the person word between it and the adjective, when a word pointing at someone leads
        // ("that useless Planning Manager", "the council's useless events officer"); a job title is not contempt
        // ("the dangerous structures officer").
        !(
          k === i - 1 &&
          /^[a-z]{3,}$/.test(tokens[k]!.word) &&
          !CLOSED_CLASS.has(tokens[k]!.word) &&
          resources.adjectives.has(tokens[k - 1]?.word ?? '') &&
          judging(resources, s, k - 1, states) < 0 &&
          k >= 2 &&
          pointsAtSomeone(s, k - 2)
        )
      ) {
        // A list of adjectives may hold one the resource does not score: "lazy, overpaid managers".
        const listed =
          k > 0 &&
          /,\s*$/.test(s.text.slice(tokens[k - 1]!.end - s.start, tokens[k]!.start - s.start)) &&
          resources.adjectives.has(tokens[k - 1]!.word) &&
          judging(resources, s, k - 1, states) < 0;
        if (!listed) break;
      }
    }
    // An adjective of disapproval fixed to a person word is contempt even when mild on its own ("lazy officers").
    if (count === 0) continue;
    const second = tokens.slice(Math.max(0, from - 3), from).some((x) => SECOND.has(x.word));
    out.push({ kind: 'described', from, to: i, word: tokens[from]!.word, score, count, profane: false, secondPerson: second, subject: i });
  }

  // 4. Name-calling without a copula: "what a bunch of clowns", "bastards!", "the useless idiots in planning".
  for (let i = 0; i < tokens.length; i++) {
    if (out.some((j) => i >= j.from && i < j.to)) continue;
    const t = tokens[i]!;
    const p = profaneAt(i) ? 2 : swear(i);
    // A milder swear word is name-calling too when contempt comes before it ("that arrogant little shit").
    const scorned = [1, 2].some((d) => i - d >= 0 && resources.adjectives.has(tokens[i - d]!.word) && judging(resources, s, i - d, states) <= STRONG);
    const nameCall =
      p > 0 && (DETERMINERS.has(tokens[i - 1]?.word ?? '') || SECOND.has(tokens[i - 1]?.word ?? '') || /s$/.test(t.word) || tokens.length <= 3 || scorned);
    if (nameCall && (p === 2 || scorned)) {
      out.push({
        kind: 'name-calling',
        from: i,
        to: i + 1,
        word: t.word,
        score: PROFANE_SCORE[2],
        count: 1,
        profane: true,
        secondPerson: tokens.slice(Math.max(0, i - 6), i).some((x) => SECOND.has(x.word)),
      });
    } else if (p === 2 || masked.some((m) => m.token === i)) {
      // Profanity as an intensifier counts when the clause is aimed at someone ("f***ing useless, the lot of you").
      const near = tokens.slice(Math.max(0, i - 6), i + 7);
      const second = near.some((x) => SECOND.has(x.word)) || addressedThrough(s, resources, i);
      const person = second || near.some((_, k) => s.isPerson(Math.max(0, i - 6) + k));
      if (person)
        out.push({
          kind: 'profanity',
          from: i,
          to: i + 1,
          word: masked.find((m) => m.token === i)?.word ?? t.word,
          score: PROFANE_SCORE[2],
          count: 1,
          profane: true,
          secondPerson: second,
        });
    }
  }
  // A masked word is one word to the reader, though the tokeniser splits it ("f***ing" → f, ing): cover all of it.
  for (const judgement of out) {
    for (const m of masked) {
      if (m.token < judgement.from || m.token >= judgement.to) continue;
      while (judgement.to < tokens.length && tokens[judgement.to]!.start < s.start + m.end) judgement.to++;
    }
  }
  return out;
}

/** Adverbs of degree: how much of a feeling, never a judgement of the one who has it. */
const DEGREE =
  /^(badly|terribly|awfully|deeply|really|very|so|completely|totally|visibly|genuinely|understandably|extremely|incredibly|clearly|obviously|quite|rather|absolutely|utterly|seriously|truly|still|too|desperately|bitterly|hugely|massively)$/;

/** No tokens (shared, never added to): most sentences name no state and no protected group. */
const NO_TOKENS: Set<number> = new Set();

/** What a predicate holds, before the frame around it says what kind of judgement it is. */
type Found = Pick<Judgement, 'from' | 'to' | 'word' | 'score' | 'count' | 'profane'> & { nameCalling: boolean };

/** The negative words of a predicate starting at token `j`, up to the end of its clause. */
function predicate(
  s: JudgementInput,
  resources: Resources,
  j: number,
  states: Set<number>,
  profaneAt: (i: number) => boolean,
  direct = false,
): Found | undefined {
  const tokens = s.tokens;
  let score = 0;
  let count = 0;
  let worst = 0;
  let word = '';
  let from = -1;
  let to = -1;
  let profane = false;
  let nameCalling = false;
  for (let k = j; k < Math.min(tokens.length, j + PREDICATE_WINDOW); k++) {
    const t = tokens[k]!;
    // "he is not lazy", "you were never rude"; a negation after the judgement starts a new thought ("you useless
    // bastards couldn't find…").
    if (NEGATORS.has(t.word)) {
      if (count === 0) return undefined;
      break;
    }
    if (k > j && CLAUSE_END.has(t.word) && !/,\s*$/.test(s.text.slice(0, t.start - s.start)) && t.word !== 'and') break;
    // A new clause with its own verb ("you are right that the bins were late") ends the description.
    if (k > j && (t.word === 'about' || t.word === 'with' || t.word === 'by' || t.word === 'at' || t.word === 'for' || t.word === 'to') && count === 0)
      return undefined;
    const v = profaneAt(k) ? PROFANE_SCORE[2] : judging(resources, s, k, states);
    // Straight after "you", contempt runs word to word ("you heartless, target-driven bastards"); one other word
    // may sit between judging words, no more.
    if (
      direct &&
      v === 0 &&
      !INTENSIFIERS.has(t.word) &&
      k > j &&
      k - (to < 0 ? j : to) >= 1 &&
      !(k + 1 < tokens.length && (profaneAt(k + 1) || judging(resources, s, k + 1, states) < 0))
    )
      break;
    if (v < 0) {
      // A feeling about something ("angry about", "disappointed with") is a state, not a judgement of the person.
      if (/^(about|with|by|at|that|over|for)$/.test(tokens[k + 1]?.word ?? '') && !profaneAt(k)) continue;
      score += v;
      count++;
      if (v < worst) {
        worst = v;
        word = t.word;
      }
      if (from < 0) from = k;
      to = k + 1;
      if (profaneAt(k) || said(t, resources).profane === 2) profane = true;
      if (profaneAt(k) || said(t, resources).profane > 0) nameCalling ||= DETERMINERS.has(tokens[k - 1]?.word ?? '') || /s$/.test(t.word);
    }
  }
  if (count === 0) return undefined;
  if (worst > STRONG && score > LIST_TOTAL && !profane) return undefined;
  return { from, to, word, score, count, profane, nameCalling };
}

const NOUN_PHRASE = /^(the|a|an|our|your|their|his|her|my|these|those|this|that|some|many|most|all|both|other|few|several)$/;
/** Words that make what follows their object rather than a subject: prepositions and participles. */
const GOVERNS =
  /^(of|for|to|with|about|against|on|in|at|by|from|into|onto|towards|toward|among|between|like|than|via|through|over|under|without|within|upon)$|ing$/;

/**
 * "you smug, self-satisfied, precious, pious, puffed-up pompous little p***k": a second-person address runs into the
 * word through a list of describing words, however long the list (up to ten words).
 */
const ADJECTIVE_ENDING = /^[a-z]{3,}(ous|ful|less|ive|ish|ic|able|ible)$/;

function addressedThrough(s: JudgementInput, resources: Resources, i: number): boolean {
  const { tokens } = s;
  for (let k = i - 1; k >= Math.max(0, i - 10); k--) {
    const w = tokens[k]!.word;
    if (SECOND.has(w)) return true;
    // A describing word: a known adjective, a compound ("puffed-up"), or an adjective's ending ("pompous").
    if (!(resources.adjectives.has(w) || w.includes('-') || w === 'and' || ADJECTIVE_ENDING.test(w))) return false;
  }
  return false;
}

/**
 * The noun phrase ending at token `i` is the subject of what follows, not the object of a word before it ("the crisis
 * facing asylum seekers is getting worse" is about the crisis). Up to three modifiers may stand before the noun.
 */
function opensClause(s: JudgementInput, i: number): boolean {
  let k = i - 1;
  for (let n = 0; k >= 0 && n < 3 && !NOUN_PHRASE.test(s.tokens[k]!.word) && !governs(s, k); n++) k--;
  if (k >= 0 && NOUN_PHRASE.test(s.tokens[k]!.word)) k--;
  return k < 0 || !governs(s, k);
}

/**
 * A preposition or a participle makes what follows its object. A word in -ing between a determiner and its noun names a
 * kind of thing, not an action: "the planning officers", "our housing team", "the parking wardens"; one followed by a
 * determiner of its own takes an object ("that blaming the officers is lazy", "ignoring the tenants").
 */
function governs(s: JudgementInput, k: number): boolean {
  const w = s.tokens[k]!.word;
  if (!GOVERNS.test(w)) return false;
  const modifier = w.endsWith('ing') && k > 0 && NOUN_PHRASE.test(s.tokens[k - 1]!.word) && !NOUN_PHRASE.test(s.tokens[k + 1]?.word ?? 'the');
  return !modifier;
}

function tokenIndexAt(tokens: Token[], offset: number): number {
  const i = tokens.findIndex((t) => t.end > offset);
  return i < 0 ? tokens.length - 1 : i;
}
