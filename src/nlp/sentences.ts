/**
 * Sentences with offsets. A sentence ends at . ! ? (not after a known abbreviation such as "Cllr." or "e.g.")
 * or at a line break, because emails carry greetings, lists and sign-offs without punctuation.
 */
export interface Sentence {
  text: string;
  start: number;
  end: number;
}

const ABBREVIATIONS = new Set([
  'cllr',
  'mr',
  'mrs',
  'ms',
  'dr',
  'st',
  'no',
  'nos',
  'e.g',
  'i.e',
  'etc',
  'approx',
  'dept',
  'para',
  'cf',
  'vs',
  'ref',
  'tel',
  'inc',
  'ltd',
  'cllrs',
  'prof',
  'rev',
  'hon',
]);

export function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  let start = 0;
  const push = (end: number) => {
    // trim whitespace inside [start, end)
    let s = start;
    let e = end;
    while (s < e && /\s/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    if (e > s) sentences.push({ text: text.slice(s, e), start: s, end: e });
    start = end;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') {
      push(i + 1);
    } else if (ch === '.' || ch === '!' || ch === '?') {
      // absorb runs like "?!" or "..."
      let j = i + 1;
      while (j < text.length && /[.!?"')\]]/.test(text[j]!)) j++;
      if (j < text.length && !/\s/.test(text[j]!)) continue; // "e.g.x", "3.5", "gov.uk"
      if (ch === '.' && isAbbreviation(text, i)) continue;
      push(j);
      i = j - 1;
    }
  }
  push(text.length);
  return sentences;
}

function isAbbreviation(text: string, dot: number): boolean {
  let k = dot - 1;
  while (k >= 0 && /[A-Za-z.]/.test(text[k]!)) k--;
  const word = text.slice(k + 1, dot).toLowerCase();
  return ABBREVIATIONS.has(word) || /^[a-z]$/.test(word);
}
