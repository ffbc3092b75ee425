/**
 * Who a Slack message is addressed to. Pure: the text, its @mentions, the channel's members and the directory in,
 * Slack user ids out.
 *
 * In a channel, people are addressed by @mention and by name: "Amir, could you…", "Hi Amir,", "@amir",
 * "thanks Lisa —", "Cllr Webb,", "…by Friday, Amir?". A name counts only as an address (at the start of a
 * sentence before a comma or dash, after a greeting or thanks, after a closing comma, or typed as @name), so
 * "Mark the date" or "Grant funding" name nobody. A name is resolved among the channel's members who are in the
 * directory first, then in the rest of the directory. When nobody is named, the message is to the channel: its
 * members who are in the directory. A DM keeps its @mentions.
 */
import type { Council, Person } from '../directory/council.js';

/** The most people a message is taken to address: enough for a committee channel, and keeps the engine's work small. */
export const MAX_ADDRESSEES = 50;

const TITLES = ['Cllr', 'Cllr.', 'Councillor', 'Mr', 'Mr.', 'Mrs', 'Mrs.', 'Ms', 'Ms.', 'Miss', 'Dr', 'Dr.'];
const TITLE = /^(?:cllr|councillor|mr|mrs|ms|miss|dr)\.?$/i;
const GREETINGS = [
  'hi',
  'hello',
  'hey',
  'dear',
  'morning',
  'good morning',
  'afternoon',
  'good afternoon',
  'evening',
  'good evening',
  'thanks',
  'thank you',
  'many thanks',
  'cheers',
];

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** "thank you" → "[Tt]hank you": a greeting opens a sentence or follows a comma. */
function eitherCase(word: string): string {
  const first = word.charAt(0);
  return `[${first.toUpperCase()}${first.toLowerCase()}]${escape(word.slice(1))}`;
}

interface NameForms {
  /** As written in running text, capitalised: "Amir Patel", "Amir", "Cllr Patel", "Councillor Amir Patel". */
  spoken: string[];
  /** As typed after @, compared case-insensitively: "amir", "amir.patel", "amirpatel", "amir_patel", "amir patel". */
  handles: string[];
}

export function nameForms(person: Pick<Person, 'name'>): NameForms {
  const words = person.name
    .trim()
    .split(/\s+/)
    .filter((w) => !TITLE.test(w));
  const given = words[0];
  if (!given) return { spoken: [], handles: [] };
  const surname = words.length > 1 ? words[words.length - 1]! : undefined;
  const spoken = [given];
  const handles = [given.toLowerCase()];
  if (surname) {
    spoken.push(`${given} ${surname}`, ...TITLES.flatMap((t) => [`${t} ${surname}`, `${t} ${given} ${surname}`]));
    const [g, s] = [given.toLowerCase(), surname.toLowerCase()];
    handles.push(`${g}.${s}`, `${g}${s}`, `${g}_${s}`, `${g}-${s}`, `${g} ${s}`);
  }
  return { spoken, handles };
}

function addressPatterns(forms: NameForms): RegExp[] {
  const longestFirst = (names: string[]) =>
    [...names]
      .sort((a, b) => b.length - a.length)
      .map(escape)
      .join('|');
  const name = `(?:${longestFirst(forms.spoken)})`;
  const greeting = `(?:${GREETINGS.map(eitherCase).join('|')})`;
  // What ends a vocative: a comma, colon, dash, exclamation, a line break or the end of the message.
  const after = `(?:\\s*[,:;!—–]|\\s+-\\s|\\s*\\n|\\s*$)`;
  return [
    // "Amir, …" / "Hi Amir," / "Cllr Webb: …" at the start of the message, a line or a sentence.
    new RegExp(`(?:^|\\n|[.!?]\\s+)\\s*(?:${greeting},?\\s+)?${name}${after}`, 'u'),
    // "thanks Lisa —", "thank you Amir for…", anywhere.
    new RegExp(`(?:^|[^\\p{L}])${greeting},?\\s+${name}(?![\\p{L}'’])`, 'u'),
    // "…by Friday, Amir?" closing a sentence.
    new RegExp(`,\\s*${name}\\s*(?:[.!?]|$)`, 'u'),
    // "@amir", "@amir.patel", typed rather than picked from Slack's list.
    new RegExp(`(?:^|[^\\p{L}\\p{N}_.@])@(?:${longestFirst(forms.handles)})(?![\\p{L}\\p{N}_])`, 'iu'),
  ];
}

const patternCache = new WeakMap<Pick<Person, 'name'>, RegExp[]>();

/** Is this person addressed by name in the text? */
export function addressedByName(text: string, person: Pick<Person, 'name'>): boolean {
  let patterns = patternCache.get(person);
  if (!patterns) {
    const forms = nameForms(person);
    patterns = forms.spoken.length > 0 ? addressPatterns(forms) : [];
    patternCache.set(person, patterns);
  }
  return patterns.some((p) => p.test(text));
}

export interface AddresseeInput {
  text: string;
  /** The author: never their own addressee. */
  author: string;
  /** Slack user ids @mentioned, in order. */
  mentions: readonly string[];
  /** DMs keep their @mentions only (the app is the other party). */
  direct: boolean;
  /** The channel's members (user ids); undefined when they could not be read (then only names count). */
  members?: readonly string[];
  council: Council;
  max?: number;
}

/** The Slack user ids a message addresses, mentions first, then people named, at most `max`. */
export function addressees(input: AddresseeInput): string[] {
  const max = input.max ?? MAX_ADDRESSEES;
  const add = (into: string[], id: string | undefined) => {
    if (id && id !== input.author && !into.includes(id) && into.length < max) into.push(id);
  };
  const out: string[] = [];
  for (const id of input.mentions) add(out, id);
  if (input.direct) return out;

  const memberIds = new Set(input.members ?? []);
  const inDirectory = input.council.people.filter((p) => p.slack && p.slack !== input.author);
  const present = inDirectory.filter((p) => memberIds.has(p.slack!));
  // A name is first someone in the channel ("Amir" is the Amir here); failing that, someone in the directory
  // (the words are still to them, wherever they will read them).
  let named = present.filter((p) => addressedByName(input.text, p));
  if (named.length === 0) named = inDirectory.filter((p) => !memberIds.has(p.slack!) && addressedByName(input.text, p));
  for (const p of named) add(out, p.slack);
  if (out.length > 0) return out;

  // Nobody named: the message is to the channel, as far as the directory knows it.
  for (const p of present) add(out, p.slack);
  return out;
}
