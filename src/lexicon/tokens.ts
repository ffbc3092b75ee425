/**
 * Tokens with offsets, lower-cased and stemmed (natural's Porter stemmer), with English contractions expanded
 * ("don't" → do + not) so lexicon patterns are written once in full forms.
 */
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';

export interface Token {
  /** Lower-cased surface form (after contraction expansion). */
  word: string;
  stem: string;
  start: number;
  end: number;
  /** The first letter was upper-case in the text. */
  capital: boolean;
}

// Letters (any script) and digits, with inner apostrophes and hyphens: "you're", "day-to-day", "cc'd".
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’-][\p{L}\p{M}\p{N}]+)*/gu;

const CONTRACTIONS: Record<string, string[]> = {
  "can't": ['can', 'not'],
  cannot: ['can', 'not'],
  "won't": ['will', 'not'],
  "shan't": ['shall', 'not'],
  "i'm": ['i', 'am'],
  "let's": ['let', 'us'],
};
const SUFFIXES: [string, string][] = [
  ["n't", 'not'],
  ["'re", 'are'],
  ["'ve", 'have'],
  ["'ll", 'will'],
  ["'d", 'would'],
  ["'s", 'is'],
  ["'m", 'am'],
];

/** After these words "'s" is "is" (or "has"), never a possessive: "he's lazy", "that's rubbish", "there's no point". */
const IS_AFTER = new Set([
  'he',
  'she',
  'it',
  'that',
  'there',
  'here',
  'who',
  'what',
  'where',
  'when',
  'how',
  'why',
  'this',
  'everyone',
  'everybody',
  'someone',
  'somebody',
  'nobody',
  'everything',
  'something',
  'nothing',
]);

const STEM_CACHE_LIMIT = 50_000; // bounded: arbitrary input must not grow memory without limit
const stemCache = new Map<string, string>();

export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = /^[a-z]+$/.test(word) ? PorterStemmer.stem(word) : word;
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

export function tokenise(text: string, offset = 0): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    const raw = m[0];
    const start = offset + m.index;
    const end = start + raw.length;
    const lower = raw.toLowerCase().replace(/’/g, "'");
    const capital = raw[0] !== lower[0];
    for (const word of expand(lower)) tokens.push({ word, stem: stem(word), start, end, capital });
  }
  return tokens;
}

function expand(word: string): string[] {
  if (!word.includes("'")) return [word];
  const whole = CONTRACTIONS[word];
  if (whole) return whole;
  for (const [suffix, full] of SUFFIXES) {
    if (word.endsWith(suffix) && word.length > suffix.length) {
      const head = word.slice(0, -suffix.length);
      // "'s" is also the possessive ("officer's"): keep the head alone, which is what patterns want either way.
      if (suffix === "'s") return IS_AFTER.has(head) ? [head, 'is'] : [head];
      return [head === 'wo' ? 'will' : head === 'ca' ? 'can' : head, full];
    }
  }
  return [word.replace(/'/g, '')];
}
