/**
 * What a sentence does: instructs, requests, asks for information, asks a question or states. Frames come from
 * the lexicons; a bare imperative ("Remove paragraph 4.") is found by asking compromise whether the sentence's
 * first word is a verb in its base form, cached per word so compromise runs once for each new opening word.
 */
import { nlp } from './compromise.js';
import type { Hit } from '../lexicon/lexicon.js';
import type { Token } from '../lexicon/tokens.js';

export type Mood = 'instruction' | 'request' | 'info-request' | 'question' | 'statement';

const SKIP_OPENERS = new Set(['and', 'also', 'so', 'now', 'then', 'just', 'kindly', 'ok', 'okay', 'right', 'but', 'oh', 'plus', 'pls', 'plz']);
const VERB_CACHE_LIMIT = 20_000;
const verbCache = new Map<string, boolean>();

/** compromise's answer for `key`, asked once and kept in a bounded cache (arbitrary input must not grow it without limit). */
function remember(cache: Map<string, boolean>, key: string, ask: () => boolean): boolean {
  let v = cache.get(key);
  if (v === undefined) {
    v = ask();
    if (cache.size >= VERB_CACHE_LIMIT) cache.clear();
    cache.set(key, v);
  }
  return v;
}
const CLOSED_CLASS = new Set(
  (
    'i me my we us our you your he him his she her they them their it its this that these those there here the a an ' +
    'am is are was were be been being have has had do does did will would shall should can could may might must ' +
    'and or but if when while because as since though although so yet nor not no yes of in on at to for from by ' +
    'with about after before over under into onto up down out off than then also just only very too hi hello dear ' +
    'thanks thank cheers morning afternoon evening sorry ok okay please what which who whom whose why how where'
  ).split(' '),
);

/** True when compromise reads `word` as a verb in its base form (as in "Remove it."). */
export function isBaseVerb(word: string): boolean {
  // Closed-class words (pronouns, determiners, auxiliaries, prepositions, greetings) never open an imperative; most
  // sentences start with one, so compromise need not even load for them.
  if (CLOSED_CLASS.has(word) || /^\d/.test(word)) return false;
  return remember(verbCache, word, () => nlp(`${word} it.`).has('^(#Imperative|#Infinitive)'));
}

/** The sentence ends in a question mark (trailing spaces allowed): written as a question, whatever its words. */
export function endsInQuestionMark(text: string): boolean {
  return /\?\s*$/.test(text);
}

export interface MoodInput {
  text: string;
  start: number;
  tokens: Token[];
  hits: Hit[];
  /** Hits of a category that are not negated (indexed by the sentence). */
  of(category: string): Hit[];
  /** Person names from the directory at the start are vocatives ("Amir, send me…"). */
  isName(token: Token): boolean;
  /** A directory name in any case (Slack is often all lower case: "owen pull the infographic"). */
  isVocative(token: Token): boolean;
  /** The token at this index is a word the valence lists score. */
  feeling(index: number): boolean;
  /** The token at this index is inside a lexicon `state` (a feeling or circumstance: "fed up", "worried"). */
  state(index: number): boolean;
}

export function classifyMood(s: MoodInput): Mood {
  const question = endsInQuestionMark(s.text);
  const infoVerbs = s.of('info-verb');
  // "I'll make sure she pays" is the writer's own promise, not an instruction; "someone makes sure", "we ensured" and
  // "making sure" are someone else's doing or a report of it (only the base form "make sure", "ensure" tells the reader).
  const instruction = s.of('instruction-frame').filter(
    (h) =>
      !/^(makes|made|making|ensures|ensured|ensuring)$/.test(s.tokens[h.from]!.word) &&
      !(
        /^(make|ensure)$/.test(s.tokens[h.from]!.word) &&
        h.from > 0 &&
        /^(i|we|will|would|shall|someone|somebody|they|he|she|hope|can|could|to)$/.test(s.tokens[h.from - 1]!.word) &&
        !s.tokens.slice(0, h.from).some((t) => t.word === 'you')
      ) &&
      // "You need to know that the meeting has moved" passes on information.
      !/^(know|be aware|note|hear|see)$/.test(s.tokens[h.to]?.word === 'be' ? `be ${s.tokens[h.to + 1]?.word}` : (s.tokens[h.to]?.word ?? '')) &&
      !guessAboutReader(s, h),
  );
  if (instruction.length > 0 && !question) return 'instruction';

  const request = s.of('request-frame');
  if (request.length > 0) {
    const after = request[0]!.to;
    return infoVerbs.some((h) => h.from >= after - 1 && h.from <= after + 4) ? 'info-request' : 'request';
  }
  if (question) return infoVerbs.length > 0 || instruction.length === 0 ? 'question' : 'instruction';

  const first = firstContentToken(s);
  if (first === undefined) return 'statement';
  const token = s.tokens[first]!;
  if (s.hits.some((h) => h.from === first && (h.category === 'not-command' || NAMES.has(h.category)))) return 'statement';
  if (token.word === 'please') return infoVerbs.some((h) => h.from <= first + 2) ? 'info-request' : 'request';
  // A bare imperative needs something to act on: "Priya", "Ta" and "Read it." sign off or snap, they do not instruct.
  if (s.tokens.length - first < MIN_IMPERATIVE_WORDS) return 'statement';
  // "Count me in", "put me down", "keep me posted", "let me know": the writer asks to be included or told, which is a
  // request for themselves, not work directed at the reader.
  if (s.tokens[first + 1]?.word === 'me' && /^(in|down|up|on|posted|informed|updated|know|through|off|out)$/.test(s.tokens[first + 2]?.word ?? ''))
    return 'request';
  if (isBaseVerb(token.word) && startsWithImperative(s.text.slice(token.start - s.start))) {
    if (infoVerbs.some((h) => h.from === first)) return 'info-request';
    const polite = s.tokens.some((t) => t.word === 'please');
    return polite ? 'request' : 'instruction';
  }
  return 'statement';
}

/**
 * "You must be exhausted", "you must be joking", "you must have heard": "must" as a guess about the reader, not an
 * obligation laid on them. The guess is "must have" with a past participle, or "must be" with a feeling: a lexicon
 * `state` ("fed up", "sick"), a scored word in -ed ("delighted", "shattered") or an -ing form ("joking"), after an
 * intensifier or not; or any "you must" after the writer's own "I know", "I imagine", "I'm sure". Words of conduct and
 * readiness still lay an obligation ("you must be careful", "must be ready to present"), and so does a deadline ("you
 * must have completed the inspection before the committee", "must be contacting everyone by Friday").
 */
function guessAboutReader(s: MoodInput, h: Hit): boolean {
  if (s.tokens[h.to - 1]?.word !== 'must') return false;
  const before = s.tokens.slice(Math.max(0, h.from - 3), h.from).map((t) => t.word);
  if (before.includes('i') && before.some((w) => /^(know|imagine|bet|guess|suppose|sure|appreciate|realise|realize|understand)$/.test(w))) return true;
  const rest = s.tokens.slice(h.to);
  if (rest.some((t, i) => /^(before|until|tonight|today|tomorrow)$/.test(t.word) || (t.word === 'by' && rest[i + 1]?.word !== 'now'))) return false;
  const verb = s.tokens[h.to]?.word;
  let next = h.to + 1;
  if (verb === 'have') return s.tokens[next] !== undefined && isPastParticiple(s.tokens[next]!.word);
  if (verb !== 'be') return false;
  if (/^(so|really|very|quite|pretty|absolutely|completely|totally)$/.test(s.tokens[next]?.word ?? '')) next++;
  const word = s.tokens[next]?.word;
  if (word === undefined || s.tokens[next + 1]?.word === 'to') return false;
  return s.state(next) || /[a-z]ing$/.test(word) || (/[a-z]ed$/.test(word) && s.feeling(next));
}

const participleCache = new Map<string, boolean>();

/** compromise reads `word` as a past tense or participle after "must have" ("heard", "seen", "been"). */
function isPastParticiple(word: string): boolean {
  return remember(participleCache, word, () => nlp(`you must have ${word}`).has('have (#PastTense|#Participle)'));
}

const NAMES = new Set(['person-name', 'group-name', 'ward-name']);
const MIN_IMPERATIVE_WORDS = 3;

/** compromise, given the sentence's own opening words, confirms the verb reads as an imperative there. */
function startsWithImperative(text: string): boolean {
  const opening = text.split(/\s+/, 6).join(' ');
  // Keyed by exactly the words compromise reads, so a message gets the same answer whatever was checked before it.
  return remember(openingCache, opening, () => nlp(opening).has('^#Imperative'));
}

/** compromise's verdict on a sentence's opening words (up to six: enough to tell "Book a room" from "Book club is"). */
const openingCache = new Map<string, boolean>();

function firstContentToken(s: MoodInput): number | undefined {
  let i = 0;
  while (i < s.tokens.length) {
    const t = s.tokens[i]!;
    if (SKIP_OPENERS.has(t.word)) {
      i++;
      continue;
    }
    // A vocative: a name opening the sentence ("Amir, can you…", "Lisa tell your team…", "Cllr Hale,"),
    // when more words follow.
    if ((s.isName(t) || s.isVocative(t) || t.word === 'cllr') && i === 0) {
      let j = i;
      while (j < s.tokens.length && (s.isName(s.tokens[j]!) || s.isVocative(s.tokens[j]!) || s.tokens[j]!.word === 'cllr')) j++;
      if (j < s.tokens.length - 1) {
        i = j;
        continue;
      }
    }
    return i;
  }
  return undefined;
}
