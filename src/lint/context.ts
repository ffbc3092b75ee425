/**
 * Everything a rule reads about one message: who wrote it and to whom (resolved through the directory), the
 * authored text split into sentences with their tokens and lexicon hits, and the quoted blocks.
 */
import type { Council, Person } from '../directory/council.js';
import { resolve } from '../directory/council.js';
import type { Hit, Lexicon } from '../lexicon/lexicon.js';
import { abuseScore, judgementsIn, type Judgement, type Resources } from '../nlp/judgement.js';
import { classifyMood, endsInQuestionMark, type Mood, type MoodInput } from '../nlp/mood.js';
import { splitSentences } from '../nlp/sentences.js';
import { tokenise, type Token } from '../lexicon/tokens.js';
import type { NormalisedMessage } from './normalise/index.js';
import type { Message, Severity } from './types.js';

export type Role = 'councillor' | 'officer' | 'external';

export interface Party {
  address: string;
  person?: Person;
  field: 'to' | 'cc' | 'bcc';
}

/** Names from council.yaml that are also common words ("Green", "Price", "Abbey") count only with a capital. */
const CAPITALISED = new Set(['group-name', 'ward-name', 'person-name']);

/**
 * In lower-case Slack a party is still a party when the words say so: "the greens", "the tories", "the labour group",
 * "our lib dem action day".
 */
function lowerCaseGroup(h: Hit, tokens: Token[]): boolean {
  if (h.category !== 'group-name' && h.entry.kind !== 'name') return false;
  const last = tokens[h.to - 1]!.word;
  const next = tokens[h.to]?.word ?? '';
  const before = tokens[h.from - 1]?.word ?? '';
  return (
    (last.endsWith('s') && before === 'the') ||
    // "our labour update", "our lib dem action day": a writer's own party.
    before === 'our' ||
    /^(group|groups|lot|briefing|councillors|members|leader|newsletter|leaflet|leaflets|campaign|candidate|candidates|update|survey|flyer|flyers|branch|party|supporters|activists|team|event|meeting|website|page|post|posts|mp)$/.test(
      next,
    )
  );
}

const CONTEXT_ONLY = new Set(['report-context', 'person-target', 'thing-target', 'protected-group', 'person-name', 'group-name', 'ward-name', 'state']);
const CONTEXT_KINDS = new Set(['topic', 'decision']);

/** Words that only set the scene (who, what, where): a negation never denies them. */
export function setsTheScene(hit: Hit): boolean {
  return CONTEXT_ONLY.has(hit.category) || CONTEXT_KINDS.has(hit.entry.kind ?? '');
}

/** How far back a negator reaches ("I am not asking you to campaign": four words). */
const NEGATION_WINDOW = 5;
/** Punctuation between two words that ends a negator's clause. */
const CLAUSE_MARK = /[,;:]|\s[-–—]+\s/;
/** Words that start a new clause or a new subject, ending a negator's reach. */
const CLAUSE_WORD = /\b(but|if|when|then|because|so|and|or|i|we)\b/i;
/** Where a disavowal turns to what the writer does want. */
const DISAVOWAL_END = /^(just|only|simply|merely|rather|instead|however|yet)$/i;

/**
 * In a sentence written all in lower case ("lisa is useless", "webb's on the phone again") capitals say nothing, so a
 * council member's name counts when none of its words is ordinary English ("price", "grant" and "mark" still need a
 * capital).
 */
function lowerCaseName(h: Hit, tokens: Token[], text: string, resources: Resources | undefined): boolean {
  if (h.category !== 'person-name' || !resources || /\p{Lu}/u.test(text)) return false;
  const common = resources.common; // loaded on first use
  if (!common) return false;
  for (let i = h.from; i < h.to; i++) if (common.has(tokens[i]!.word)) return false;
  return true;
}

const OPEN_DOUBLE_QUOTE = /(^|[\s(])["\u201c][^"\u201d]*$/;
const OPEN_SINGLE_QUOTE = /(^|[\s(])['\u2018](?:[^'\u2019]|(?<=\w)['\u2019](?=\w))*$/;

/**
 * One sentence as rules read it. It is itself what `classifyMood` reads (a MoodInput), so that working out its mood
 * makes no object of functions per sentence.
 */
export class SentenceView implements MoodInput {
  private moodCache?: Mood;
  readonly hits: Hit[];

  constructor(
    readonly text: string,
    readonly start: number,
    readonly end: number,
    readonly tokens: Token[],
    hits: Hit[],
    /** Person names from the directory, with a capital. */
    readonly isName: (token: Token) => boolean,
    /** A directory name in any case. */
    readonly isVocative: (token: Token) => boolean = isName,
    private readonly resources?: Resources,
  ) {
    // Names of groups, parties and wards that are also common words ("green", "labour", "Abbey") count only
    // when written with a capital.
    this.hits = hits
      .filter(
        (h) =>
          !(h.entry.kind === 'name' || CAPITALISED.has(h.category)) ||
          tokens[h.from]!.capital ||
          /^(cllr|councillor)$/.test(tokens[h.from]!.word) ||
          lowerCaseGroup(h, tokens) ||
          lowerCaseName(h, tokens, text, resources),
      )
      .map((h) => {
        // The lexicon made these hits for this sentence alone: fill in their words rather than copy them.
        h.text = text.slice(h.start - start, h.end - start);
        return h;
      });
  }

  private negators?: { n: Hit; limit: number; containers: Hit[] }[];

  /**
   * Each negator's reach, worked out once per sentence: the token where its clause ends (a comma, semicolon, colon or
   * spaced dash, or a word that starts a new clause or subject: "if this is not fixed I will name and shame you"), and
   * the phrases it sits inside ("should not include", "don't tell anyone"), which it belongs to.
   */
  private negatorReach(): { n: Hit; limit: number; containers: Hit[] }[] {
    if (this.negators) return this.negators;
    this.negators = this.hits
      .filter((h) => h.category === 'negator')
      .map((n) => {
        const disavowal = n.entry.kind === 'disavowal';
        let limit = this.tokens.length;
        for (let j = n.to; j < this.tokens.length; j++) {
          const previousEnd = j > 0 ? this.tokens[j - 1]!.end : this.start;
          if (CLAUSE_MARK.test(this.text.slice(previousEnd - this.start, this.tokens[j]!.start - this.start))) {
            limit = j;
            break;
          }
          const word = this.text.slice(this.tokens[j]!.start - this.start, this.tokens[j]!.end - this.start);
          // A disavowal's clause also ends where the writer turns to what they do want: "I'm not asking for a favour,
          // just make sure…", "not saying it's wrong however the recommendation must go".
          if (CLAUSE_WORD.test(word) || /[,;:]/.test(word) || (disavowal && DISAVOWAL_END.test(word))) {
            limit = j + 1;
            break;
          }
        }
        const containers = this.hits.filter((p) => p.category !== 'negator' && p.from <= n.from && n.to <= p.to && p.to - p.from > 1);
        return { n, limit, containers };
      });
    return this.negators;
  }

  /**
   * Whether a negator governs the hit: a disavowal ("I'm not asking for…") to the end of its clause, other negators a
   * few words. `kinds` limits it to negators of those kinds (undue-pressure reads only disavowals).
   */
  isNegated(hit: Hit, kinds?: ReadonlySet<string>): boolean {
    // Words that only set the scene are not what a negation denies: "it's not helpful to include that in a public
    // report" is still about a report; "won't support my regrading" is still about my regrading.
    if (setsTheScene(hit)) return false;
    for (const { n, limit, containers } of this.negatorReach()) {
      if (kinds && !kinds.has(n.entry.kind ?? '')) continue;
      if (n.to > hit.from || hit.from >= limit || (n.entry.kind !== 'disavowal' && hit.from - n.to >= NEGATION_WINDOW)) continue;
      if (containsAnother(containers, hit)) continue;
      return true;
    }
    return false;
  }

  /**
   * Category → its hits that are not negated, and those by kind ('' for none), sorted out the first time a rule asks
   * for the category by kind: most categories are only ever asked for whole.
   */
  private byCategory?: Map<string, { all: Hit[]; byKind?: Map<string, Hit[]> }>;

  /** Hits of a category (and kind) that are not negated; indexed once per sentence, as every rule asks. */
  of(category: string, kind?: string): Hit[] {
    if (this.hits.length === 0) return NONE;
    if (!this.byCategory) {
      this.byCategory = new Map();
      for (const h of this.hits) {
        if (this.isNegated(h)) continue;
        const hits = this.byCategory.get(h.category);
        if (hits) hits.all.push(h);
        else this.byCategory.set(h.category, { all: [h] });
      }
    }
    const hits = this.byCategory.get(category);
    if (hits === undefined) return NONE;
    if (kind === undefined) return hits.all;
    if (!hits.byKind) {
      hits.byKind = new Map();
      for (const h of hits.all) push(hits.byKind, h.entry.kind ?? '', h);
    }
    return hits.byKind.get(kind) ?? NONE;
  }

  has(category: string, kind?: string): boolean {
    return this.of(category, kind).length > 0;
  }

  private judgementCache?: Judgement[];

  /** Judgements of people in this sentence (profanity, name-calling, negative words said of a person). */
  get judgements(): Judgement[] {
    if (!this.resources) return [];
    if (!this.judgementCache) {
      let people: Uint8Array | undefined;
      for (const h of this.hits)
        if (PERSON_WORDS.has(h.category)) {
          people ??= new Uint8Array(this.tokens.length);
          for (let i = h.from; i < h.to; i++) people[i] = 1;
        }
      this.judgementCache = judgementsIn(
        { text: this.text, start: this.start, tokens: this.tokens, hits: this.hits, isPerson: people ? (i) => people[i] === 1 : NOBODY },
        this.resources,
      );
    }
    return this.judgementCache;
  }

  private abuseCache?: number;

  /** How much the sentence reads like abuse, 0–1 (lexicons/models/abuse.json). */
  get abuse(): number {
    this.abuseCache ??= this.resources ? Math.round(abuseScore(this.tokens, this.resources) * 100) / 100 : 0;
    return this.abuseCache;
  }

  get mood(): Mood {
    this.moodCache ??= classifyMood(this);
    return this.moodCache;
  }

  /** The token at this index is a word the valence lists score. */
  feeling(i: number): boolean {
    return this.resources?.valence.has(this.tokens[i]!.word) === true;
  }

  /** The token at this index is inside a lexicon `state` (a feeling or circumstance: "fed up", "worried"). */
  state(i: number): boolean {
    return this.hits.some((h) => h.category === 'state' && h.from <= i && i < h.to);
  }

  private questionCache?: boolean;

  /** The sentence ends in a question mark: written as a question, whatever its mood. */
  get question(): boolean {
    this.questionCache ??= endsInQuestionMark(this.text);
    return this.questionCache;
  }

  /** The sentence asks or tells the reader to do something (any politeness). */
  get asks(): boolean {
    const m = this.mood;
    return (
      m === 'instruction' ||
      m === 'request' ||
      m === 'info-request' ||
      (m === 'question' && this.tokens.some((t) => /^(you|can|could|would|will)$/.test(t.word)))
    );
  }

  /**
   * Where the quotation open at a character offset begins (relative to the sentence), or -1 when none is open:
   * "he says Muslims \"don't integrate\"" has one open at "don't".
   */
  quotationOpenAt(offset: number): number {
    const before = this.text.slice(0, offset - this.start);
    // An apostrophe inside a word ("it's", "O'Neill") neither opens nor closes a quotation.
    const open = OPEN_DOUBLE_QUOTE.exec(before) ?? OPEN_SINGLE_QUOTE.exec(before);
    return open === null ? -1 : open.index;
  }

  /** Token index of the first token at or after a character offset. */
  tokenAt(offset: number): number {
    const i = this.tokens.findIndex((t) => t.start >= offset);
    return i < 0 ? this.tokens.length : i;
  }
}

export interface Report {
  messageId: string;
  /** Weak evidence (a bare imperative) that gives way to any specific finding in the message, not just the sentence. */
  weak?: boolean;
  data?: Record<string, string>;
  /** Where: a hit, a sentence or an explicit span of the analysed text. */
  at: Hit | SentenceView | { start: number; end: number };
  /** Overrides the rule's default severity (e.g. a junior officer makes an instruction an error). */
  severity?: Severity;
  /** Found in the subject line: `at` is then in the subject's coordinates. */
  inSubject?: boolean;
  /** What the rule saw, as features for the confidence model (numbers, or strings that name a kind). */
  evidence?: Record<string, number | string | boolean>;
}

export interface RawReport extends Report {
  rule: string;
  start: number;
  end: number;
  sentence?: SentenceView;
  /** Set when the words are not in the body (the subject line). */
  excerpt?: string;
}

const NONE: Hit[] = [];
const NOBODY = (): boolean => false;
const PERSON_WORDS = new Set(['person-target', 'person-name', 'group-name', 'protected-group']);

/** People's name words per council, computed once. */
const NAME_WORDS = new WeakMap<Council, Set<string>>();

export class RuleContext {
  readonly sender?: Person;
  readonly senderRole: Role;
  readonly recipients: Party[];
  readonly sentences: SentenceView[];
  readonly subjectView: SentenceView;
  readonly reports: RawReport[] = [];
  currentRule = '';

  constructor(
    readonly message: Message,
    readonly normalised: NormalisedMessage,
    readonly council: Council,
    readonly lexicon: Lexicon,
    readonly resources?: Resources,
  ) {
    this.sender = resolve(council, message.from);
    this.senderRole = this.sender?.role ?? 'external';
    this.recipients = (['to', 'cc', 'bcc'] as const).flatMap((field) =>
      message[field].map((address) => ({ address, person: resolve(council, address), field })),
    );
    const names = (t: Token) => t.capital && this.isNameToken(t);
    const vocative = (t: Token) => this.isNameToken(t);
    this.sentences = splitSentences(normalised.text).map((s) => {
      const tokens = tokenise(s.text, s.start);
      return new SentenceView(s.text, s.start, s.end, tokens, lexicon.match(tokens), names, vocative, resources);
    });
    const subjectTokens = tokenise(normalised.subject);
    this.subjectView = new SentenceView(normalised.subject, 0, normalised.subject.length, subjectTokens, lexicon.match(subjectTokens), names, names, resources);
  }

  private isNameToken(t: Token): boolean {
    let words = NAME_WORDS.get(this.council);
    if (!words) {
      words = new Set(
        this.council.people.flatMap((p) =>
          p.name
            .toLowerCase()
            .replace(/^cllr\s+/, '')
            .split(/\s+/),
        ),
      );
      NAME_WORDS.set(this.council, words);
    }
    return words.has(t.word);
  }

  /**
   * Recipients who are councillors / officers, each once. Worked out once per set of fields, as rules ask often: the
   * list is shared, and frozen so that changing it fails (copy it first).
   */
  members(fields: Party['field'][] = ['to', 'cc', 'bcc']): Person[] {
    return this.inRole('councillor', fields);
  }

  officers(fields: Party['field'][] = ['to', 'cc', 'bcc']): Person[] {
    return this.inRole('officer', fields);
  }

  /** By role, then by the fields asked about (to 1, cc 2, bcc 4). */
  private readonly byRole = { councillor: [] as Person[][], officer: [] as Person[][] };

  private inRole(role: 'councillor' | 'officer', fields: Party['field'][]): Person[] {
    let key = 0;
    for (const f of fields) key |= FIELD_BIT[f];
    return (this.byRole[role][key] ??= Object.freeze(
      unique(this.recipients.filter((r) => fields.includes(r.field) && r.person?.role === role).map((r) => r.person!)),
    ) as Person[]);
  }

  /** Any sentence hit of a category anywhere in the authored text (not negated). */
  anywhere(category: string, kind?: string): Hit[] {
    return this.sentences.flatMap((s) => s.of(category, kind));
  }

  report(r: Report): void {
    if (r.inSubject) {
      // Spans index the body; a subject finding points at its start and quotes the subject.
      this.reports.push({ ...r, rule: this.currentRule, start: 0, end: 0, excerpt: this.normalised.subject });
      return;
    }
    const at = r.at;
    const start = 'start' in at ? at.start : 0;
    const end = 'end' in at ? at.end : 0;
    const sentence = at instanceof SentenceView ? at : this.sentences.find((s) => s.start <= start && start < s.end);
    this.reports.push({ ...r, rule: this.currentRule, start, end, sentence });
  }
}

/** A phrase other than `hit` among a negator's containers (a loop: isNegated asks for every hit, often). */
function containsAnother(containers: Hit[], hit: Hit): boolean {
  for (const p of containers) if (p !== hit) return true;
  return false;
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const FIELD_BIT = { to: 1, cc: 2, bcc: 4 } as const;

function unique(people: Person[]): Person[] {
  return [...new Map(people.map((p) => [p.id, p])).values()];
}
