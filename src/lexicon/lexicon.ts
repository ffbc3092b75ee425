/**
 * Lexicons are data (`lexicons/terms/<category>.yaml`): one category per file, each entry its phrases (one per
 * line) with a note, its source clause, examples it must match and examples it must not match. A failing example
 * or a duplicate entry stops the lexicon from loading, as with textlint-rule-prh.
 *
 *   - phrases:
 *       - "press office"
 *       - "comms team"
 *     note: "…"
 *     match: ["…"]
 *     nomatch: ["…"]
 *
 * Phrase syntax, kept small so a council officer can read it:
 *   leaflet              a word, matched by stem (leaflets, leafleting)
 *   =us                  a word matched exactly (no stemming)
 *   incompet*            a word prefix
 *   let me/us know       alternatives for one word
 *   change ... report    a gap of up to three words (`...6`: up to six)
 *
 * An entry may instead give its phrases on one line, joined by "|": `pattern: "press office|comms team"`, the form
 * lexicons were written in before, kept so that a council's own edited copy still loads; both load to the same
 * entry. The first phrase names the entry (the confidence model's features say by it which entry fired).
 */
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { stem, tokenise, type Token } from './tokens.js';

const entrySchema = z
  .object({
    /** One phrase per item. */
    phrases: z.array(z.string().min(1)).min(1).optional(),
    /** The one-line form: phrases joined by "|". */
    pattern: z.string().min(1).optional(),
    note: z.string().min(3),
    source: z.string().min(1).optional(),
    match: z.union([z.string(), z.array(z.string()).min(1)]),
    /** At least one sentence the entry must not match, written fresh: a term is general only if it knows its limits. */
    nomatch: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** Free labels a rule may read (e.g. `kind: insult`). */
    kind: z.string().optional(),
  })
  .strict()
  .refine((e) => (e.phrases === undefined) !== (e.pattern === undefined), {
    message: 'give the phrases once: as `phrases:` (one per line) or as `pattern:` (joined by "|")',
  });

const fileSchema = z
  .object({
    category: z.string().regex(/^[a-z][a-z-]*$/),
    description: z.string().min(3),
    source: z.string().min(1),
    entries: z.array(entrySchema).min(1),
  })
  .strict();

export interface Entry {
  category: string;
  /** What the entry matches, one phrase each; the first names the entry. */
  phrases: string[];
  note: string;
  source: string;
  kind?: string;
}

type Slot = { type: 'word'; stems: Set<string>; exact: Set<string>; prefixes: string[] } | { type: 'gap'; max: number };

interface Compiled {
  entry: Entry;
  slots: Slot[];
  /** Category and kind: within one, the longest match at a start wins; different kinds are all kept. */
  key: string;
}

export interface Hit {
  category: string;
  entry: Entry;
  /** Token indices, end exclusive. */
  from: number;
  to: number;
  start: number;
  end: number;
  /** The matched words as written (filled in by the sentence that owns the hit). */
  text: string;
}

export class LexiconError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'LexiconError';
  }
}

const GAP_WORDS = 3;

/** Each phrase compiles to its own slot list. */
function compilePhrases(phrases: string[]): Slot[][] {
  return phrases.map((phrase) => compilePhrase(phrase));
}

function compilePhrase(phrase: string): Slot[] {
  const slots: Slot[] = [];
  if (!phrase.trim()) throw new Error('empty phrase');
  if (phrase.includes('|')) throw new Error(`"${phrase}" holds "|": give each phrase its own line`);
  for (const part of phrase.trim().toLowerCase().split(/\s+/)) {
    const gap = /^\.\.\.(\d*)$/.exec(part);
    if (gap) {
      slots.push({ type: 'gap', max: gap[1] ? Number(gap[1]) : GAP_WORDS });
      continue;
    }
    if (!/[/=*]/.test(part) && !part.startsWith('...')) {
      // A plain word; a contraction ("i'd", "don't") becomes the words the tokeniser makes of it.
      const toks = tokenise(part);
      if (toks.length === 0) throw new Error(`"${part}" has no letters`);
      for (const t of toks) slots.push({ type: 'word', stems: new Set([t.stem]), exact: new Set(), prefixes: [] });
      continue;
    }
    const slot = { type: 'word' as const, stems: new Set<string>(), exact: new Set<string>(), prefixes: [] as string[] };
    for (const alt of part.split('/')) {
      if (alt.startsWith('=')) slot.exact.add(alt.slice(1));
      else if (alt.endsWith('*')) slot.prefixes.push(alt.slice(0, -1));
      else {
        // A pattern word may itself be a contraction ("don't"): tokenise it the way text is tokenised.
        const toks = tokenise(alt);
        if (toks.length !== 1) throw new Error(`"${alt}" is not one word (write it as separate words)`);
        slot.stems.add(toks[0]!.stem);
      }
    }
    slots.push(slot);
  }
  if (slots[0]?.type !== 'word' || slots.at(-1)?.type !== 'word') throw new Error('a phrase cannot start or end with a gap');
  return slots;
}

function wordMatches(slot: Extract<Slot, { type: 'word' }>, token: Token): boolean {
  if (slot.stems.has(token.stem) || slot.exact.has(token.word)) return true;
  for (const p of slot.prefixes) if (token.word.startsWith(p)) return true;
  return false;
}

/** Match `slots` starting at token `i`; returns the end index (exclusive) or -1. */
function matchAt(slots: Slot[], tokens: Token[], i: number, s = 0): number {
  if (s === slots.length) return i;
  const slot = slots[s]!;
  if (slot.type === 'gap') {
    for (let skip = 0; skip <= slot.max && i + skip <= tokens.length; skip++) {
      const end = matchAt(slots, tokens, i + skip, s + 1);
      if (end >= 0) return end;
    }
    return -1;
  }
  const token = tokens[i];
  if (!token || !wordMatches(slot, token)) return -1;
  return matchAt(slots, tokens, i + 1, s + 1);
}

/** All categories compiled into one index keyed by the first word's stem, so matching is one pass over tokens. */
export class Lexicon {
  // Indexed by the first word and, where the second slot is a plain word, by the second too: "my", "the" and
  // "i" open a hundred patterns each, and only those whose second word follows are worth trying.
  private readonly byFirstStem = new Map<string, Bucket>();
  private readonly byFirstExact = new Map<string, Bucket>();
  // Patterns whose first word is a prefix ("bcc*"), by the prefix's first letter, so a word tries only those that
  // could match it; a pattern that may match any word (an empty prefix, or stems beside the prefix) is in every list
  // and in `anyPrefixFirst`. Each list keeps the order the patterns were added in.
  private readonly prefixFirst = new Map<string, Compiled[]>();
  private readonly anyPrefixFirst: Compiled[] = [];
  readonly categories = new Map<string, Entry[]>();
  /** The name this lexicon notes its answers about a word under (see firstOf); a new one each time an entry is added. */
  private version: object = {};
  /** While matching: the category and kind of each hit so far (see tryAll). */
  private readonly keys: string[] = [];
  /** One string per category and kind, so that keys compare by reference. */
  private readonly keyNames = new Map<string, string>();

  add(entry: Entry): void {
    this.version = {};
    for (const slots of compilePhrases(entry.phrases)) {
      const name = `${entry.category}/${entry.kind ?? ''}`;
      let key = this.keyNames.get(name);
      if (key === undefined) this.keyNames.set(name, (key = name));
      const compiled = { entry, slots, key };
      const first = slots[0] as Extract<Slot, { type: 'word' }>;
      for (const s of first.stems) addToBucket(this.byFirstStem, s, compiled);
      for (const e of first.exact) addToBucket(this.byFirstExact, e, compiled);
      if (first.prefixes.length > 0) this.addPrefixFirst(first, compiled);
    }
    const list = this.categories.get(entry.category) ?? [];
    list.push(entry);
    this.categories.set(entry.category, list);
  }

  /** Every hit in `tokens` (overlaps allowed across categories; within a category and kind the longest at a start wins). */
  match(tokens: Token[]): Hit[] {
    const hits: Hit[] = [];
    this.keys.length = 0;
    for (let i = 0; i < tokens.length; i++) {
      const first = this.firstOf(tokens[i]!);
      if (first === NO_FIRST) continue;
      const from = hits.length;
      this.tryBucket(first.stem, tokens, i, hits, from);
      this.tryBucket(first.exact, tokens, i, hits, from);
      this.tryAll(first.prefixed, tokens, i, 1, hits, from);
    }
    return hits;
  }

  /**
   * The patterns whose first word a word matches, found once per word and noted on it: those filed under its stem and
   * under the word itself, and, in the order they were added, those whose first word is a prefix it starts with.
   */
  private firstOf(token: Token): First {
    const known = token.known.noted<First>(this.version);
    if (known !== undefined) return known;
    const stem = this.byFirstStem.get(token.stem);
    const exact = this.byFirstExact.get(token.word);
    const prefixed = (this.prefixFirst.get(token.word[0]!) ?? this.anyPrefixFirst).filter((c) => wordMatches(c.slots[0] as WordSlot, token));
    return token.known.note(this.version, stem || exact || prefixed.length > 0 ? { stem, exact, prefixed } : NO_FIRST);
  }

  private addPrefixFirst(first: Extract<Slot, { type: 'word' }>, compiled: Compiled): void {
    if (first.stems.size > 0 || first.exact.size > 0 || first.prefixes.includes('')) {
      this.anyPrefixFirst.push(compiled);
      for (const list of this.prefixFirst.values()) list.push(compiled);
      return;
    }
    for (const letter of new Set(first.prefixes.map((p) => p[0]!))) {
      let list = this.prefixFirst.get(letter);
      if (!list) this.prefixFirst.set(letter, (list = [...this.anyPrefixFirst]));
      list.push(compiled);
    }
  }

  private tryBucket(bucket: Bucket | undefined, tokens: Token[], i: number, hits: Hit[], from: number): void {
    if (!bucket) return;
    this.tryAll(bucket.any, tokens, i, 1, hits, from);
    const next = tokens[i + 1];
    if (next) {
      this.tryAll(bucket.byNext.get(next.stem), tokens, i, 2, hits, from);
      this.tryAll(bucket.byNextExact.get(next.word), tokens, i, 2, hits, from);
    }
  }

  /** Tries patterns at token `i` whose first `matched` words are already known to match there. */
  /**
   * Tries patterns at token `i` whose first `matched` words are already known to match there. The hits at `i` are
   * `hits` from `from` on, one per category and kind (their keys in `this.keys`): a longer match replaces the one of
   * its key in place, as setting a key of a Map does.
   */
  private tryAll(list: Compiled[] | undefined, tokens: Token[], i: number, matched: number, hits: Hit[], from: number): void {
    if (!list) return;
    const keys = this.keys;
    for (const c of list) {
      const end = matchAt(c.slots, tokens, i + matched, matched);
      if (end < 0) continue;
      let k = from;
      while (k < hits.length && keys[k] !== c.key) k++;
      if (k < hits.length && hits[k]!.to >= end) continue;
      const hit = { category: c.entry.category, entry: c.entry, from: i, to: end, start: tokens[i]!.start, end: tokens[end - 1]!.end, text: '' };
      if (k < hits.length) hits[k] = hit;
      else {
        hits.push(hit);
        keys.push(c.key);
      }
    }
  }

  has(category: string): boolean {
    return this.categories.has(category);
  }
}

type WordSlot = Extract<Slot, { type: 'word' }>;

/** What a word may open (see Lexicon.firstOf). */
interface First {
  stem: Bucket | undefined;
  exact: Bucket | undefined;
  prefixed: Compiled[];
}
const NO_FIRST: First = { stem: undefined, exact: undefined, prefixed: [] };

interface Bucket {
  /** Patterns of one word, or whose second slot is a gap or a prefix. */
  any: Compiled[];
  /** The rest, by their second word's stem… */
  byNext: Map<string, Compiled[]>;
  /** …or by the exact second word. */
  byNextExact: Map<string, Compiled[]>;
}

function addToBucket(index: Map<string, Bucket>, key: string, compiled: Compiled): void {
  let bucket = index.get(key);
  if (!bucket) {
    bucket = { any: [], byNext: new Map(), byNextExact: new Map() };
    index.set(key, bucket);
  }
  const second = compiled.slots[1];
  if (!second || second.type === 'gap' || second.prefixes.length > 0) {
    bucket.any.push(compiled);
    return;
  }
  for (const s of second.stems) push(bucket.byNext, s, compiled);
  for (const e of second.exact) push(bucket.byNextExact, e, compiled);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Parse one lexicon file, validate it and prove its examples. Pure: text in. */
export function parseLexiconFile(text: string, file: string): Entry[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new LexiconError(
      file,
      doc.errors.map((e) => `line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`),
    );
  const parsed = fileSchema.safeParse(doc.toJS());
  if (!parsed.success)
    throw new LexiconError(
      file,
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  const data = parsed.data;
  const problems: string[] = [];
  const seen = new Set<string>();
  const entries: Entry[] = [];
  data.entries.forEach((raw, n) => {
    // The one-line form splits at "|"; phrases are trimmed, so "a | b" names and matches as "a|b" does.
    const written = (raw.phrases ?? raw.pattern?.split('|') ?? []).map((p) => p.trim());
    const where = `entries.${n} ("${written[0]}")`;
    const key = written.map((p) => p.toLowerCase().replace(/\s+/g, ' ')).join('|');
    if (seen.has(key)) problems.push(`${where}: duplicate entry`);
    seen.add(key);
    const entry: Entry = {
      category: data.category,
      phrases: written,
      note: raw.note,
      source: raw.source ?? data.source,
      ...(raw.kind ? { kind: raw.kind } : {}),
    };
    let phrases: Slot[][];
    try {
      phrases = compilePhrases(written);
    } catch (e) {
      problems.push(`${where}: ${(e as Error).message}`);
      return;
    }
    const hitsIn = (example: string) => {
      const tokens = tokenise(example);
      return phrases.some((slots) => tokens.some((_, i) => matchAt(slots, tokens, i) >= 0));
    };
    for (const example of [raw.match].flat()) if (!hitsIn(example)) problems.push(`${where}: does not match its example "${example}"`);
    for (const example of [raw.nomatch ?? []].flat()) if (hitsIn(example)) problems.push(`${where}: matches its counter-example "${example}"`);
    entries.push(entry);
  });
  if (problems.length > 0) throw new LexiconError(file, problems);
  return entries;
}

/**
 * Each phrase as what it matches: stems, exact words (`=`), prefixes (`*`) and gaps, in a canonical form. Two
 * phrases with the same form match the same words ("officer's" and "officers" alike), so a test can find a phrase
 * written twice.
 */
export function phraseForms(phrases: string[]): string[] {
  return compilePhrases(phrases).map((slots) =>
    slots
      .map((slot) =>
        slot.type === 'gap'
          ? `...${slot.max}`
          : [...[...slot.stems].sort(), ...[...slot.exact].sort().map((e) => `=${e}`), ...[...slot.prefixes].sort().map((p) => `${p}*`)].join('/'),
      )
      .join(' '),
  );
}

/** Words from the council's own directory (group names, wards, people) become entries of their own categories. */
export function localEntry(category: string, phrase: string, note: string): Entry | undefined {
  const words = tokenise(phrase).map((t) => `=${t.word}`);
  if (words.length === 0) return undefined;
  return { category, phrases: [words.join(' ')], note, source: 'council.yaml' };
}

export { stem };
