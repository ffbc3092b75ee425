/**
 * Characters: NFKC, lone surrogates made U+FFFD, invisible characters removed, look-alike letters folded to Latin
 * inside Latin words (Unicode's confusables data, via `unhomoglyph`), curly quotes straightened, spaces collapsed.
 */
import { createRequire } from 'node:module';

/** Well-formed UTF-16: a lone surrogate becomes U+FFFD (NFKC and regexes then behave). */
const ANY_SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Characters that render as nothing (or as nothing visible) and so can split a word without showing:
 * soft hyphen, combining grapheme joiner, Arabic letter mark, Hangul fillers, Mongolian vowel separator and
 * free variation selectors, zero-width space/joiners and directional marks (U+200B–U+200F), bidi embeddings and
 * isolates, word joiner and invisible operators (U+2060–U+206F), variation selectors, the BOM, and the tag and
 * variation-selector-supplement planes (U+E0000–U+E01EF).
 */
// The class lists single code points (joiners and variation selectors are what it removes), never a letter with its mark.
/* eslint-disable no-misleading-character-class */
const INVISIBLE =
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]|\uDB40[\uDC00-\uDDEF]/g;
/* eslint-enable no-misleading-character-class */
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u2035\u02BC]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u2036]/g;
const LINE_BREAKS = /\r\n?|[\u0085\u2028\u2029]/g;
/** Runs of horizontal space (NFKC has already turned no-break and typographic spaces into U+0020). */
const HORIZONTAL_SPACE = /[ \t\f\v]{2,}|[\t\f\v]/g;
const TRAILING_SPACE = / +$/gm;
/** Anything outside ASCII and Latin-1..Latin Extended-B: only then can a homoglyph be present. */
/** Last code point of Latin Extended-B: below it every letter is Latin script. */
const LATIN_END = 0x024f;
/** A word for homoglyph folding: letters and combining marks. */
const WORD = /[\p{L}\p{M}]+/gu;
const LATIN_LETTER = /\p{Script=Latin}/u;
const LETTER = /\p{L}/u;
const ASCII_LETTER = /^[A-Za-z]$/;

/**
 * Look-alike letters from the Unicode confusables data (UTS #39, via the `unhomoglyph` package's table), kept
 * only where a non-Latin letter folds to one ASCII letter.
 *  - STRICT: the table's own target (Cyrillic а→a, і→i, Greek ο→o…); used for a whole non-Latin word that sits
 *    among Latin words.
 *  - LOOSE: STRICT plus letters whose other case folds (Greek ε via Ε→E, Cyrillic т via Т→T); used only inside
 *    a word that already mixes Latin and non-Latin letters, where the mix itself shows the disguise.
 */
const { STRICT, LOOSE } = buildHomoglyphTables();

/** Does the text hold any letter of the table? Decides whether the word-by-word pass is needed at all. */
function hasLookAlike(text: string, from = 0, to = text.length): boolean {
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code <= LATIN_END) continue;
    if (LOOSE.has(code >= 0xd800 && code <= 0xdbff ? text.slice(i, i + 2) : text[i]!)) return true;
  }
  return false;
}

function buildHomoglyphTables(): { STRICT: Map<string, string>; LOOSE: Map<string, string> } {
  const data = createRequire(import.meta.url)('unhomoglyph/data.json') as Record<string, string>;
  const isCandidate = (ch: string) => [...ch].length === 1 && LETTER.test(ch) && !LATIN_LETTER.test(ch) && ch.normalize('NFKC') === ch;
  const asciiTarget = (source: string, target: string | undefined): string | undefined => {
    if (target === undefined || !ASCII_LETTER.test(target)) return undefined;
    // The skeleton folds capital I to l; a capital look-alike (Greek Ι, Cyrillic І) should read as I.
    if (target === 'l' && source !== source.toLowerCase()) return 'I';
    return target;
  };
  const strict = new Map<string, string>();
  const loose = new Map<string, string>();
  const sources = new Set<string>();
  for (const key of Object.keys(data)) {
    if (!isCandidate(key)) continue;
    sources.add(key);
    sources.add(key.toLowerCase());
    sources.add(key.toUpperCase());
  }
  for (const ch of sources) {
    if (!isCandidate(ch)) continue;
    const direct = asciiTarget(ch, data[ch]);
    if (direct) {
      strict.set(ch, direct);
      loose.set(ch, direct);
      continue;
    }
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    if (ch !== upper) {
      const viaUpper = asciiTarget(upper, data[upper]);
      if (viaUpper) loose.set(ch, viaUpper.toLowerCase());
    } else if (ch !== lower) {
      const viaLower = asciiTarget(lower, data[lower]);
      if (viaLower) loose.set(ch, viaLower.toUpperCase());
    }
  }
  return { STRICT: strict, LOOSE: loose };
}

/**
 * The character-level part of normalisation alone: line breaks to LF, NFKC, invisible characters removed,
 * look-alike letters folded inside Latin words, curly quotes straightened, runs of spaces and tabs collapsed,
 * trailing spaces trimmed. Dashes and line structure are kept. Never throws.
 */
export function normaliseText(text: string): string {
  if (alreadyNormal(text)) return text;
  let out = ANY_SURROGATE.test(text) ? text.replace(LONE_SURROGATE, '\uFFFD') : text;
  out = out.replace(LINE_BREAKS, '\n');
  out = out.normalize('NFKC').replace(INVISIBLE, '');
  if (hasLookAlike(out)) out = foldHomoglyphs(out);
  return out.replace(SINGLE_QUOTES, "'").replace(DOUBLE_QUOTES, '"').replace(HORIZONTAL_SPACE, ' ').replace(TRAILING_SPACE, '');
}

/**
 * Text every step above leaves as it is: printable ASCII and line feeds (NFKC and the character classes touch nothing
 * there), with no run of spaces and no space before a line break or at the end. Most messages are such text.
 */
function alreadyNormal(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      const next = text.charCodeAt(i + 1);
      if (next === 32 || next === 10 || i + 1 === text.length) return false;
    } else if ((c < 32 && c !== 10) || c > 126) return false;
  }
  return true;
}

function wordScript(word: string): { latin: boolean; other: boolean } {
  let latin = false;
  let other = false;
  for (const ch of word) {
    if (ch.charCodeAt(0) <= LATIN_END) {
      if (LETTER.test(ch)) latin = true; // WORD also admits combining marks
    } else if (LATIN_LETTER.test(ch)) latin = true;
    else if (LETTER.test(ch)) other = true;
  }
  return { latin, other };
}

/** Fold look-alike letters to Latin in words that mix scripts, or in a wholly look-alike word among Latin words. */
function foldHomoglyphs(text: string): string {
  const words = [...text.matchAll(WORD)];
  const scripts: ({ latin: boolean; other: boolean } | undefined)[] = [];
  const script = (i: number) => (scripts[i] ??= wordScript(words[i]![0]));
  const latinOnly = (i: number) => i >= 0 && i < words.length && script(i).latin && !script(i).other;
  let out = '';
  let last = 0;
  for (let i = 0; i < words.length; i++) {
    const m = words[i]!;
    const word = m[0];
    if (!hasLookAlike(word)) continue;
    const s = script(i);
    let folded: string | undefined;
    if (s.latin && s.other) {
      folded = mapLetters(word, LOOSE, false);
    } else if (s.other && word.length >= 2 && (besideLatin(text, words, latinOnly, i, -1) || besideLatin(text, words, latinOnly, i, 1))) {
      folded = mapLetters(word, STRICT, true);
    }
    if (folded === undefined || folded === word) continue;
    out += text.slice(last, m.index) + folded;
    last = m.index! + word.length;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** Replace non-Latin letters found in `table`; with `all`, only when every letter of the word is in it. */
function mapLetters(word: string, table: Map<string, string>, all: boolean): string | undefined {
  let out = '';
  for (const ch of word) {
    const mapped = table.get(ch);
    if (mapped !== undefined) out += mapped;
    else if (all && LETTER.test(ch)) return undefined;
    else out += ch;
  }
  return out;
}

/** Is the neighbouring word (before or after) a Latin word on the same line? */
function besideLatin(text: string, words: RegExpMatchArray[], latinOnly: (i: number) => boolean, i: number, step: 1 | -1): boolean {
  const j = i + step;
  const here = words[i]!;
  const there = words[j];
  if (!there || !latinOnly(j)) return false;
  const [from, to] = step < 0 ? [there.index! + there[0].length, here.index!] : [here.index! + here[0].length, there.index!];
  return !text.slice(from, to).includes('\n');
}
