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
  /** The word itself, shared by every token of it, where tables keep what they know of it (see Word). */
  known: Word;
}

/**
 * One word, made once and shared by every token of it (until the bounded table of words is cleared, which happens only
 * between two calls to `tokenise`), so that a table (a lexicon, the valence and abuse lists, the reader's weights)
 * looks each word up once rather than once per token and per question: it notes its answer on the word under its own
 * name, the table object itself.
 */
export class Word {
  // The notes of up to four owners, in fields rather than an array, so that reading one is a load or two.
  private owner0: object | undefined = undefined;
  private note0: unknown = undefined;
  private owner1: object | undefined = undefined;
  private note1: unknown = undefined;
  private owner2: object | undefined = undefined;
  private note2: unknown = undefined;
  private owner3: object | undefined = undefined;
  private note3: unknown = undefined;
  /** Where the next note goes: a fifth owner takes the oldest one's place (tests make many tables). */
  private next = 0;

  constructor(
    readonly word: string,
    readonly stem: string,
  ) {}

  /** What `owner` noted about this word, or undefined. */
  noted<T>(owner: object): T | undefined {
    if (this.owner0 === owner) return this.note0 as T;
    if (this.owner1 === owner) return this.note1 as T;
    if (this.owner2 === owner) return this.note2 as T;
    if (this.owner3 === owner) return this.note3 as T;
    return undefined;
  }

  /** Notes `value` (not undefined) under `owner`, which has no note yet. */
  note<T>(owner: object, value: T): T {
    switch (this.next) {
      case 0:
        this.owner0 = owner;
        this.note0 = value;
        break;
      case 1:
        this.owner1 = owner;
        this.note1 = value;
        break;
      case 2:
        this.owner2 = owner;
        this.note2 = value;
        break;
      default:
        this.owner3 = owner;
        this.note3 = value;
    }
    this.next = (this.next + 1) & 3;
    return value;
  }
}

// Letters (any script) and digits, with inner apostrophes and hyphens: "you're", "day-to-day", "cc'd". The tokeniser
// reads this pattern character by character (see `wordEnd`), which makes no match objects.
//   /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’-][\p{L}\p{M}\p{N}]+)*/gu
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
const LETTER_MARK_OR_DIGIT = /^[\p{L}\p{M}\p{N}]$/u;
/** What each character outside ASCII is, found once: 1 a letter or digit, 2 a mark, 3 neither (0: not yet known). */
const CLASS_OF = new Uint8Array(0x10000);

/** 1 for a letter or digit, 2 for a mark, 0 for anything else, of the code point at `i`. */
function classAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) ? 1 : 0;
  if (c < 0xd800 || c > 0xdfff) {
    let k = CLASS_OF[c]!;
    if (k === 0) CLASS_OF[c] = k = classify(String.fromCharCode(c));
    return k === 3 ? 0 : k;
  }
  const k = classify(String.fromCodePoint(text.codePointAt(i)!));
  return k === 3 ? 0 : k;
}

function classify(ch: string): number {
  return LETTER_OR_DIGIT.test(ch) ? 1 : LETTER_MARK_OR_DIGIT.test(ch) ? 2 : 3;
}

/** UTF-16 units of the code point at `i`. */
function widthAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return 1;
  const d = text.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
}

/** Where the word that starts at `i` (a letter or digit) ends. */
function wordEnd(text: string, i: number): number {
  i += widthAt(text, i);
  for (;;) {
    while (i < text.length && classAt(text, i) !== 0) i += widthAt(text, i);
    const c = text.charCodeAt(i);
    // An apostrophe or hyphen joins two runs of letters.
    if ((c === 39 || c === 0x2019 || c === 45) && i + 1 < text.length && classAt(text, i + 1) !== 0) i++;
    else return i;
  }
}

const CONTRACTIONS: Record<string, [string, string]> = {
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

const WORD_CACHE_LIMIT = 50_000; // bounded: arbitrary input must not grow memory without limit
/** Lower-cased words → their Word. */
const words = new Map<string, Word>();
/**
 * A form as written (before lower-casing): whether it opens with a capital and the words it stands for, one or two
 * ("don't" is do + not). The words sit in fields of their own rather than in an array: every token reads its form,
 * and an array would be one more object to fetch from memory each time.
 */
interface Form {
  capital: boolean;
  first: Word;
  second: Word | undefined;
}
/**
 * Each form as written → its Form. Found by the characters in the text being read, so that a form met before (most
 * words of most sentences) is never copied out of the text: its characters are hashed where they stand (hashOf), then
 * looked up by open addressing, the hash beside each key so that a probe compares words only when their hashes agree.
 */
class WrittenForms {
  /** A power of two, more than twice WORD_CACHE_LIMIT: probes stay short. */
  private static readonly SLOTS = 1 << 17;
  /**
   * Forms filed at most: the table is cleared between calls once WORD_CACHE_LIMIT is reached, but one call (a long
   * text given to `tokenise` directly) may meet more; past this a form is read afresh each time, and a probe always
   * meets an empty slot.
   */
  private static readonly MOST = (WrittenForms.SLOTS / 4) * 3;
  private readonly keys: (string | undefined)[] = new Array<string | undefined>(WrittenForms.SLOTS).fill(undefined);
  private readonly forms: (Form | undefined)[] = new Array<Form | undefined>(WrittenForms.SLOTS).fill(undefined);
  private readonly hashes = new Int32Array(WrittenForms.SLOTS);
  private filed = 0;

  get size(): number {
    return this.filed;
  }

  /** The form written as `text` from `from` to `to`, whose hash is `hash` (see hashOf), or undefined. */
  find(text: string, from: number, to: number, hash: number): Form | undefined {
    const mask = WrittenForms.SLOTS - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const key = this.keys[slot];
      if (key === undefined) return undefined;
      if (this.hashes[slot] === hash && key.length === to - from && text.startsWith(key, from)) return this.forms[slot];
    }
  }

  /** Files `form` under `key` (not yet filed), whose hash is `hash`, unless the table is as full as it may be. */
  add(key: string, hash: number, form: Form): void {
    if (this.filed >= WrittenForms.MOST) return;
    const mask = WrittenForms.SLOTS - 1;
    let slot = hash & mask;
    while (this.keys[slot] !== undefined) slot = (slot + 1) & mask;
    this.keys[slot] = key;
    this.forms[slot] = form;
    this.hashes[slot] = hash;
    this.filed++;
  }

  clear(): void {
    this.keys.fill(undefined);
    this.forms.fill(undefined);
    this.filed = 0;
  }
}
const written = new WrittenForms();

/** FNV-1a over the UTF-16 units of `text` from `from` to `to`. */
function hashOf(text: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let k = from; k < to; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
  return h;
}

function wordOf(word: string): Word {
  let w = words.get(word);
  if (w === undefined) {
    const own = detached(word);
    w = new Word(own, /^[a-z]+$/.test(own) ? PorterStemmer.stem(own) : own);
    words.set(own, w);
  }
  return w;
}

/**
 * A copy of `s` that refers to nothing else. V8 keeps a slice of 13 characters or more as a view into the string it
 * was cut from, so a word kept in the tables above would keep the whole message it came from in memory until the
 * tables are cleared; message text must not outlive its check. Only words met for the first time are copied.
 */
function detached(s: string): string {
  return s.length < SLICED_FROM ? s : s.split('').join('');
}

/** The shortest slice V8 keeps as a view into its parent string (shorter ones are copied). */
const SLICED_FROM = 13;

export function stem(word: string): string {
  if (words.size >= WORD_CACHE_LIMIT) clearWords();
  return wordOf(word).stem;
}

function clearWords(): void {
  words.clear();
  written.clear();
}

export function tokenise(text: string, offset = 0): Token[] {
  // Cleared only here, between calls, so that within one call (a sentence) a word is always the same Word.
  if (words.size >= WORD_CACHE_LIMIT || written.size >= WORD_CACHE_LIMIT) clearWords();
  const tokens: Token[] = [];
  for (let i = 0; i < text.length;) {
    if (classAt(text, i) !== 1) {
      i += widthAt(text, i);
      continue;
    }
    const to = wordEnd(text, i);
    const hash = hashOf(text, i, to);
    let form = written.find(text, i, to, hash);
    if (form === undefined) {
      const raw = detached(text.slice(i, to));
      const lower = raw.toLowerCase().replace(/’/g, "'");
      const [first, second] = expand(lower);
      form = { capital: raw[0] !== lower[0], first: wordOf(first), second: second === undefined ? undefined : wordOf(second) };
      written.add(raw, hash, form);
    }
    const start = offset + i;
    const end = offset + to;
    i = to;
    const { capital, first, second } = form;
    tokens.push({ word: first.word, stem: first.stem, start, end, capital, known: first });
    if (second !== undefined) tokens.push({ word: second.word, stem: second.stem, start, end, capital, known: second });
  }
  return tokens;
}

/** The one or two words a form stands for. */
function expand(word: string): [string] | [string, string] {
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
