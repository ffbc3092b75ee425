/**
 * Enquiry detection: does this message open a member enquiry? A councillor writing to an officer or to a
 * member-enquiry mailbox who asks for information or action does; thanks, FYI, updates, a reply giving what was
 * asked, and chat do not. The linter's sentence reading is used as it is (its moods: instruction, request,
 * info-request, question, statement), with the enquiry cues in lexicons/enquiries beside its own terms.
 * Pure: text in, a verdict out; nothing is kept.
 */
import type { Council, Person } from '../directory/council.js';
import { resolve } from '../directory/council.js';
import { Lexicon, localEntry, type Entry } from '../lexicon/lexicon.js';
import { RuleContext, type SentenceView } from '../lint/context.js';
import { MAX_ANALYSED_CHARS, normalise } from '../lint/normalise/index.js';
import type { Message } from '../lint/types.js';
import { datesIn } from './dates.js';

export type Verdict =
  | 'asks' // a sentence asks for information or action
  | 'forward' // a message forwarded for the officer (or the mailbox) to deal with
  | 'report' // a new message reporting a fault to the officer who can mend it
  | 'not-from-councillor'
  | 'not-to-officer'
  | 'no-ask' // nothing asked: thanks, an update, chat
  | 'no-action'; // says so: FYI, no need to reply

export interface Detection {
  enquiry: boolean;
  verdict: Verdict;
  councillor?: Person;
  /** The officers the message is addressed to (To, then Cc), in order. */
  officers: Person[];
  /** The mailbox it was sent to, if any. */
  mailbox?: string;
  /** Offsets of the sentence that asks, in the authored text (for tests and the eval; never stored). */
  span?: { start: number; end: number };
}

export interface DetectOptions {
  /** Member-enquiry mailboxes (lower case). */
  mailboxes: ReadonlySet<string>;
  /** The message replies to another (In-Reply-To, a Slack thread, or "RE:"): a fault report alone opens nothing. */
  isReply?: boolean;
}

const REPLY_SUBJECT = /^\s*(re|aw|sv)\s*:/i;

export interface Detector {
  detect(message: Message, options: DetectOptions): Detection;
  /** What an officer's reply in an enquiry's thread does to it (`day`: the reply's calendar date in the council's zone). */
  readReply(message: Message, day: string): ReplyReading;
}

/**
 * An officer's reply: an answer resolves the enquiry; an acknowledgement stops the first clock; a holding reply
 * (a date for the response, with the reason for the delay and/or the action being taken) moves the answer date.
 */
export type ReplyReading = { kind: 'answer' } | { kind: 'acknowledgement' } | { kind: 'holding'; newDay: string; gaveReason: boolean; gaveAction: boolean };

/** An acknowledgement is short: past this many words of the officer's own, a reply is taken to answer. */
const ACK_MAX_WORDS = 90;

/** `terms`: the linter's lexicon entries (loadLexicon); `cues`: lexicons/enquiries (loadEnquiryCues). */
export function createDetector(council: Council, terms: readonly Entry[], cues: readonly Entry[]): Detector {
  const lexicon = new Lexicon();
  for (const e of [...terms, ...cues, ...nameEntries(council)]) lexicon.add(e);
  return {
    detect: (message, options) => detect(message, options, council, lexicon),
    readReply: (message, day) => readReply(message, day, council, lexicon),
  };
}

function readReply(message: Message, day: string, council: Council, lexicon: Lexicon): ReplyReading {
  const normalised = normalise(message, { maxChars: MAX_ANALYSED_CHARS });
  const context = new RuleContext(message, normalised, council, lexicon);
  const sentences = context.sentences;
  const gaveReason = sentences.some((s) => s.has('reply-reason'));
  const gaveAction = sentences.some((s) => s.has('reply-action'));
  // The promised date: the first future date in a sentence that speaks of the response.
  for (const s of sentences) {
    if (!s.has('reply-when')) continue;
    const date = datesIn(s.text, day)[0];
    if (date && (gaveReason || gaveAction)) return { kind: 'holding', newDay: date.date, gaveReason, gaveAction };
  }
  const words = sentences.reduce((n, s) => n + s.tokens.length, 0);
  if (sentences.some((s) => s.has('reply-ack')) && words <= ACK_MAX_WORDS) return { kind: 'acknowledgement' };
  return { kind: 'answer' };
}

function detect(message: Message, options: DetectOptions, council: Council, lexicon: Lexicon): Detection {
  const councillor = resolve(council, message.from);
  const officers: Person[] = [];
  for (const field of ['to', 'cc'] as const) {
    for (const address of message[field] ?? []) {
      const p = resolve(council, address);
      if (p?.role === 'officer' && !officers.some((o) => o.id === p.id)) officers.push(p);
    }
  }
  const mailbox = [...(message.to ?? []), ...(message.cc ?? [])].map(bare).find((a) => options.mailboxes.has(a));
  const base = { officers, ...(mailbox ? { mailbox } : {}), ...(councillor ? { councillor } : {}) };
  if (councillor?.role !== 'councillor') return { ...base, enquiry: false, verdict: 'not-from-councillor' };
  // An officer in Cc alone is being kept informed, unless the message goes to a mailbox or to nobody else in the council.
  const toOfficer = (message.to ?? []).some((a) => resolve(council, a)?.role === 'officer');
  if (!mailbox && !toOfficer) return { ...base, enquiry: false, verdict: 'not-to-officer' };

  const normalised = normalise(message, { maxChars: MAX_ANALYSED_CHARS });
  const context = new RuleContext(message, normalised, council, lexicon);
  const sentences = context.sentences;
  const noAction = sentences.some((s) => s.has('enquiry-none'));
  const forwarded = normalised.quoted.some((q) => q.kind === 'forward');

  const asking = sentences.find((s) => asks(s));
  if (asking && !noAction) return { ...base, enquiry: true, verdict: 'asks', span: { start: asking.start, end: asking.end } };
  if (noAction) return { ...base, enquiry: false, verdict: 'no-action' };
  if (forwarded && !sentences.some(thanks)) return { ...base, enquiry: true, verdict: 'forward' };
  const isReply = options.isReply ?? REPLY_SUBJECT.test(message.subject ?? '');
  const fault = !isReply && !sentences.some(thanks) ? sentences.find((s) => s.has('enquiry-report')) : undefined;
  if (fault) return { ...base, enquiry: true, verdict: 'report', span: { start: fault.start, end: fault.end } };
  return { ...base, enquiry: false, verdict: 'no-ask' };
}

/** Does this sentence ask the reader for information or action? */
function asks(s: SentenceView): boolean {
  if (s.has('enquiry-courtesy')) return false;
  const question = s.question;
  if (question && s.has('enquiry-chat')) return false;
  if (s.has('enquiry-ask')) return true;
  const mood = s.mood;
  if (mood === 'instruction' || mood === 'request' || mood === 'info-request') return !keepPosted(s);
  return question;
}

/** "Do let me know if the owner appeals": asks to be told should something happen, not for an answer now. */
function keepPosted(s: SentenceView): boolean {
  const words = s.tokens.map((t) => t.word);
  const i = words.findIndex((w, k) => w === 'let' && words[k + 1] === 'me' && words[k + 2] === 'know' && /^(if|when)$/.test(words[k + 3] ?? ''));
  if (i < 0) return false;
  // "Could you let me know if there is a scheme?" asks now; "(do|please) let me know if…" asks for later news.
  return !s.has('request-frame') || words.slice(0, i).every((w) => w === 'please' || w === 'do' || w === 'and' || w === 'but');
}

function thanks(s: SentenceView): boolean {
  return /^(thanks|thank|cheers|ta|brilliant|great|lovely|perfect|wonderful|fantastic)\b/.test(s.tokens[0]?.word ?? '') || s.has('enquiry-courtesy');
}

function bare(address: string): string {
  const m = /<([^>]+)>/.exec(address);
  return (m ? m[1]! : address).trim().toLowerCase();
}

/** People's names as the linter reads them, so "Kasia, could you…" opens with a vocative, not an imperative. */
function nameEntries(council: Council): Entry[] {
  const entries: Entry[] = [];
  for (const person of council.people) {
    const parts = person.name.replace(/^cllr\s+/i, '').split(/\s+/);
    for (const phrase of new Set([parts.join(' '), `Cllr ${parts.at(-1)}`, parts[0]!, parts.at(-1)!])) {
      const e = localEntry('person-name', phrase, `${person.name} (council.yaml)`);
      if (e) entries.push({ ...e, kind: person.id });
    }
  }
  return entries;
}
