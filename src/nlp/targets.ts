/**
 * Who a judgement is aimed at. "The underpass is a disgrace" criticises a thing; "you are a disgrace" a person.
 * The nearest person or thing word in the same clause decides (before the word, within a few words, or right
 * after it: "useless officers"); with neither, compromise is asked whether the clause names a person.
 */
import { nlp } from './compromise.js';
import type { Hit } from '../lexicon/lexicon.js';

/** What this reads of a sentence (the linter's `SentenceView` is one): its text, where it starts, the lexicon's hits. */
export interface SentenceHits {
  readonly text: string;
  readonly start: number;
  readonly hits: readonly Hit[];
}

/**
 * "What an idiot I am", "I'm a complete numpty", "at the risk of sounding like a jobsworth", "I'm deaf as a post this
 * week": the writer's words for themselves (lexicons/terms/self-reference.yaml) within `before` tokens before the word
 * or two after it.
 */
export function aboutWriter(s: SentenceHits & { readonly tokens: readonly { word: string }[] }, hit: { from: number; to: number }, before = 4): boolean {
  return s.hits.some((h) => h.category === 'self-reference' && h.from >= hit.from - before && h.to <= hit.to + 2) || writersSimile(s.tokens, hit.from);
}

const SUBJECTS = new Set(['i', 'we', 'you', 'he', 'she', 'they']);
const WRITER = new Set(['i', 'we']);
const ARTICLES = new Set(['a', 'an']);

/**
 * A simile describes the subject of its clause: "I sat there like a lemon", "I've still got the old one saved like a
 * numpty" are the writer's words for themselves; "you handled it like a numpty" and "he looks like a clown" are not.
 * The nearest subject pronoun before "like a" (up to two words between the article and the word) decides.
 */
function writersSimile(tokens: readonly { word: string }[], at: number): boolean {
  let i = at - 1;
  for (let k = 0; k < 2 && i >= 0 && !ARTICLES.has(tokens[i]!.word); k++) i--;
  if (i < 1 || !ARTICLES.has(tokens[i]!.word) || tokens[i - 1]!.word !== 'like') return false;
  for (let j = i - 2; j >= Math.max(0, i - 14); j--) if (SUBJECTS.has(tokens[j]!.word)) return WRITER.has(tokens[j]!.word);
  return false;
}

const BEFORE_WINDOW = 6;
const AFTER_WINDOW = 2;
const PERSON_CATEGORIES = new Set(['person-target', 'person-name', 'group-name']);

export function aimedAtPerson(s: SentenceHits, hit: Hit): boolean {
  const [clauseStart, clauseEnd] = clauseAround(s, hit);
  let before: Hit | undefined;
  let after: Hit | undefined;
  for (const h of s.hits) {
    if (!PERSON_CATEGORIES.has(h.category) && h.category !== 'thing-target') continue;
    if (h.start < clauseStart || h.end > clauseEnd) continue;
    if (h.to <= hit.from && hit.from - h.to < BEFORE_WINDOW) {
      if (!before || h.to > before.to || (h.to === before.to && h.category === 'thing-target')) before = h;
    } else if (h.from >= hit.to && h.from - hit.to < AFTER_WINDOW) {
      if (!after || h.from < after.from) after = h;
    }
  }
  if (after && PERSON_CATEGORIES.has(after.category)) return true;
  if (before) return PERSON_CATEGORIES.has(before.category);
  if (after) return false;
  const clause = s.text.slice(clauseStart - s.start, hit.start - s.start);
  return clause.length > 0 && nlp(clause).has('#Person');
}

/** The clause of the sentence around a hit, bounded by , ; : and "but". */
function clauseAround(s: SentenceHits, hit: Hit): [number, number] {
  const text = s.text;
  const rel = hit.start - s.start;
  const boundary = /[,;:]|\bbut\b/gi;
  let start = 0;
  let end = text.length;
  for (const m of text.matchAll(boundary)) {
    if (m.index < rel) start = m.index + m[0].length;
    else if (m.index >= hit.end - s.start) {
      end = m.index;
      break;
    }
  }
  return [s.start + start, s.start + end];
}
