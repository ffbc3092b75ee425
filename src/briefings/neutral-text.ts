/**
 * The one neutral-text check. A text that every group will read (an offer's title, a follow-up answer, a venue)
 * must not name a party or a member of the group that asked: the API refuses it when it is typed, and the notice
 * worker runs the same check on what it is about to send, with the same names, so nothing that passed the API is
 * refused at sending time (000 6.6, 002 5.5).
 *
 * Text and names are compared after the linter's own character normalisation (NFKC, so no-break spaces are
 * spaces; zero-width characters and soft hyphens removed; look-alike letters folded to Latin), then lower-cased,
 * with hyphens, dashes, apostrophes and other punctuation read as spaces: "Lib‑Dems", "LIB DEMS" and
 * "Lib\u00ADDems" are all "lib dems".
 */
import type { Council, Person } from '../directory/council.js';
import { normaliseText } from '../lint/normalise/index.js';
import type { Party } from './types.js';

/** Lower case, letters and digits only, single spaces. */
export function comparable(text: string): string {
  return normaliseText(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const HONORIFICS = /^(cllr|councillor|mr|mrs|ms|miss|mx|dr)\.?\s+/i;

/**
 * The ways a member is named in prose: as in the directory ("Cllr Megan Price"), without the title
 * ("Megan Price"), and by title and surname ("Cllr Price", "Councillor Price"). A bare surname is not on the list:
 * "house prices" must not read as "Price".
 */
export function namesOfMember(person: Pick<Person, 'name'>): string[] {
  const full = person.name.trim();
  const bare = full.replace(HONORIFICS, '').trim();
  const surname = bare.split(/\s+/).at(-1) ?? bare;
  const names = [full, bare];
  if (surname && surname !== bare) names.push(`Cllr ${surname}`, `Councillor ${surname}`);
  return [...new Set(names)];
}

export interface NeutralityScope {
  /** The parties offered the briefing (the round's snapshot, or the directory's parties before approval). */
  parties: Party[];
  /** The requesting group's party. */
  requester?: Party;
  /** The party a notice is for: its own names and members may appear in its own notice. */
  recipient?: Party;
}

/**
 * Every name a neutral text must not contain: each group's name and aliases (every group in the directory and
 * every party offered the briefing, an independent member by name), and every member of the requesting group,
 * less the recipient's own names when the text is one party's own notice.
 */
export function neutralityNames(council: Council, scope: NeutralityScope): string[] {
  const byId = (id: string) => council.byId.get(id);
  const partyNames = (party: Party): string[] => {
    if (party.kind === 'independents') return []; // "Independent members" is a description, not a name
    const group = council.groups.find((g) => g.id === party.id);
    return [party.name, ...(group ? [group.name, ...group.aliases] : [])];
  };
  const memberNames = (party: Party): string[] => party.members.flatMap((id) => (byId(id) ? namesOfMember(byId(id)!) : []));
  const names = [
    ...council.groups.flatMap((g) => [g.name, ...g.aliases]),
    ...scope.parties.flatMap(partyNames),
    ...(scope.requester ? memberNames(scope.requester) : []),
  ];
  const own = new Set(scope.recipient ? [...partyNames(scope.recipient), ...memberNames(scope.recipient)].map(comparable) : []);
  return [...new Set(names)].filter((n) => !own.has(comparable(n)));
}

/**
 * The first of `names` that `text` mentions, compared as `comparable` text on word boundaries. A name of several
 * words also matches run together ("LibDems", or "Lib\u200BDems" once the zero-width space is gone).
 */
export function nameIn(text: string, names: string[]): string | undefined {
  const haystack = ` ${comparable(text)} `;
  for (const name of names) {
    const needle = comparable(name);
    if (needle.length < 2) continue;
    if (haystack.includes(` ${needle} `)) return name;
    const joined = needle.replace(/ /g, '');
    if (joined !== needle && joined.length >= 6 && haystack.includes(` ${joined} `)) return name;
  }
  return undefined;
}

// ---- one-line fields ----

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
/** The same, less tab, line feed and carriage return. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029]/;

const describe = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Why a one-line field (a title, a venue, a version) is refused, if it is: a line break or any other control
 * character would let a typed value start a line of its own in every group's email ("Reply: http://…").
 */
export function oneLineProblem(value: string): string | undefined {
  const hit = CONTROL.exec(value);
  if (!hit) return undefined;
  return /[\n\r\u2028\u2029\u0085]/.test(hit[0])
    ? `must be one line (it contains a line break, ${describe(hit[0])})`
    : `contains a control character (${describe(hit[0])})`;
}

/** Why a multi-line field (details, an answer) is refused: control characters other than tab and line breaks. */
export function textProblem(value: string): string | undefined {
  const hit = CONTROL_IN_TEXT.exec(value);
  return hit ? `contains a control character (${describe(hit[0])})` : undefined;
}

/** A round's scope: every party it was offered to (late offers too) and the requesting group. */
export async function roundScope(
  reader: { getMany(kind: 'offer', ids: string[]): Promise<{ id: string; party: Party }[]> },
  round: { offerIds: string[]; requesterOfferId: string; snapshot: Party[] },
): Promise<NeutralityScope> {
  const offers = await reader.getMany('offer', round.offerIds);
  const requester = offers.find((o) => o.id === round.requesterOfferId)?.party;
  const parties = [...round.snapshot, ...offers.map((o) => o.party).filter((p) => !round.snapshot.some((s) => s.id === p.id))];
  return { parties, ...(requester ? { requester } : {}) };
}
